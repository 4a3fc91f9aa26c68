import assert from "node:assert/strict";
import { createDialogModel, type Focusable } from "./dialog_model.ts";

const element = (isConnected: boolean): Focusable => ({ isConnected, focus() {} });

Deno.test("focus goes back to the opener once, and only while it is on the page", () => {
  const dialog = createDialogModel();
  const button = element(true);
  dialog.show(button);
  assert.equal(dialog.open.value, true);
  dialog.close();
  assert.equal(dialog.open.value, false);
  assert.equal(dialog.takeOpener(), button);
  assert.equal(dialog.takeOpener(), null, "taken once");

  dialog.show(element(false)); // a toast's button that went away meanwhile
  dialog.close();
  assert.equal(dialog.takeOpener(), null);
});
