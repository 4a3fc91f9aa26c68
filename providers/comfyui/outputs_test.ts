import assert from "node:assert/strict";
import { outputFiles, pickOutput } from "./outputs.ts";

Deno.test("files are found under images, gifs and videos, skipping flags and temp previews", () => {
  const entry = {
    outputs: {
      "58": { images: [{ filename: "v_00001_.mp4", subfolder: "video", type: "output" }], animated: [true] },
      "60": { gifs: [{ filename: "c_00001.mp4", subfolder: "", type: "output", format: "video/h264-mp4" }] },
      "61": { images: [{ filename: "ComfyUI_temp_x_00001_.png", subfolder: "", type: "temp" }] },
      "9": { images: [{ filename: "i_00001_.png", subfolder: "", type: "output" }] },
    },
  };
  assert.deepEqual(outputFiles(entry.outputs["58"]), [{
    filename: "v_00001_.mp4",
    subfolder: "video",
    type: "output",
  }]);
  const cases: [string, string, string | undefined][] = [
    ["58", "mp4", "v_00001_.mp4"], // core SaveVideo lists its file under images
    ["60", "mp4", "c_00001.mp4"], // VideoHelperSuite uses gifs
    ["9", "png", "i_00001_.png"],
    ["61", "png", "i_00001_.png"], // a temp preview is no result: any output png is taken instead
    ["99", "mp4", "v_00001_.mp4"], // the bound node listed nothing: any mp4 output
    ["9", "webm", undefined],
  ];
  for (const [node, extension, filename] of cases) {
    assert.equal(pickOutput(entry, node, extension)?.filename, filename, `${node} .${extension}`);
  }
});
