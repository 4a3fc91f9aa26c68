import assert from "node:assert/strict";
import { createDialogModel, type Focusable } from "./dialog_model.ts";

const element = (isConnected: boolean): Focusable => ({ isConnected, focus() {} });

Deno.test("focus goes back to the opener once, and only while it is on the page", () => {
  const dialog = createDialogModel();
  const button = element(true);
  dialog.show(button);
  assert.equal(dialog.open.value, true);
  dialog.close();
  assert.equal(dialog.open.value, null);
  assert.equal(dialog.takeOpener(), button);
  assert.equal(dialog.takeOpener(), null, "taken once");

  dialog.show(element(false)); // a toast's button that went away meanwhile
  dialog.close();
  assert.equal(dialog.takeOpener(), null);
});

Deno.test("a dialog on a value: retargeted while open, the opener kept; nothing opens a closed one", () => {
  const viewer = createDialogModel<{ sentenceId: number }>();
  viewer.retarget({ sentenceId: 2 });
  assert.equal(viewer.open.value, null, "retarget does not open");
  const thumbnail = element(true);
  viewer.show(thumbnail, { sentenceId: 1 });
  viewer.retarget({ sentenceId: 2 });
  assert.deepEqual(viewer.open.value, { sentenceId: 2 });
  viewer.close();
  assert.equal(viewer.takeOpener(), thumbnail);
});
