import assert from "node:assert/strict";
import { ProviderError } from "../types.ts";
import { ComfyRequestError, PromptRejectedError } from "./client.ts";
import { executionFailure, isOutOfMemory, rejectionFailure, requestFailure, stripPaths } from "./errors.ts";
import { presetWorkflow } from "./workflow.ts";

const wan5 = presetWorkflow("wan22-5b", "video");
const wan14 = presetWorkflow("wan22-14b", "video");
const sdxl = presetWorkflow("sdxl", "image");

Deno.test("absolute server paths are cut down to file names", () => {
  const cases: [string, string][] = [
    [
      "Error loading /home/comfy/ComfyUI/models/vae/x.safetensors: bad header",
      "Error loading x.safetensors: bad header",
    ],
    ["C:\\ComfyUI\\models\\unet\\wan.safetensors is corrupt", "wan.safetensors is corrupt"],
    ["see '/opt/app/custom_nodes/foo/' for details", "see '…' for details"],
    ["no paths here, and/or slashes like 1/2", "no paths here, and/or slashes like 1/2"],
    ["http://gpu-box:8188 stays", "http://gpu-box:8188 stays"],
  ];
  for (const [input, expected] of cases) assert.equal(stripPaths(input), expected, input);
});

Deno.test("out of memory is recognised by exception type and message (FACTS §3)", () => {
  const cases: [Record<string, string>, boolean][] = [
    [{ exception_type: "torch.OutOfMemoryError", exception_message: "Allocation on device" }, true],
    [{
      exception_type: "torch.cuda.OutOfMemoryError",
      exception_message: "CUDA out of memory. Tried to allocate 2 GiB",
    }, true],
    [{ exception_type: "RuntimeError", exception_message: "CUDA error: out of memory" }, true],
    [{ exception_type: "RuntimeError", exception_message: "Allocation on device 0 would exceed allowed memory" }, true],
    [{ exception_type: "RuntimeError", exception_message: "mat1 and mat2 shapes cannot be multiplied" }, false],
    [{ exception_type: "ExecutionBlocked", exception_message: "" }, false],
  ];
  for (const [error, expected] of cases) assert.equal(isOutOfMemory(error), expected, JSON.stringify(error));
});

Deno.test("failed requests are transient, except 4xx answers that say the URL is not ComfyUI", () => {
  const error = (reason: "refused" | "timeout" | "http" | "protocol", status?: number) =>
    requestFailure(new ComfyRequestError(reason, "http://gpu-box:8188", "/prompt", "x", status));
  const cases: [ProviderError, boolean, RegExp][] = [
    [error("refused"), true, /at http:\/\/gpu-box:8188 could not be reached .*Is ComfyUI running\?/],
    [error("timeout"), true, /did not answer in time/],
    [error("http", 502), true, /internal error \(HTTP 502\)/],
    [error("http", 404), false, /answered 404 to \/prompt; check that COMFYUI_URL points at ComfyUI itself\./],
    [error("protocol"), true, /not ComfyUI's/],
  ];
  for (const [failure, transient, message] of cases) {
    assert.equal(failure.transient, transient, failure.message);
    assert.match(failure.message, message);
  }
});

const missingModel = (options: string[] | null) =>
  new PromptRejectedError(400, {
    type: "prompt_outputs_failed_validation",
    message: "Prompt outputs failed validation",
  }, {
    "1": {
      class_type: "UNETLoader",
      dependent_outputs: ["12"],
      errors: [{
        type: "value_not_in_list",
        message: "Value not in list",
        details: "unet_name: 'wan2.2_ti2v_5B_fp16.safetensors' not in [...]",
        extra_info: {
          input_name: "unet_name",
          input_config: options ? [options, {}] : null,
          received_value: "wan2.2_ti2v_5B_fp16.safetensors",
        },
      }],
    },
  });

Deno.test("a missing model names node, input and value, where to put it, and what the server has", () => {
  const short = rejectionFailure(missingModel(["flux1-dev.safetensors", "other.safetensors"]), {
    graph: wan5.graph,
    workflow: wan5,
  });
  assert.equal(short.transient, false);
  assert.equal(
    short.message,
    'ComfyUI does not have "wan2.2_ti2v_5B_fp16.safetensors" for input "unet_name" of node 1 (Load Diffusion Model (Wan 2.2 TI2V 5B)): put the file in ComfyUI/models/diffusion_models/ on the server (then restart ComfyUI or refresh its model list), or change COMFYUI_VIDEO_WORKFLOW. The server has: flux1-dev.safetensors, other.safetensors.',
  );
  const many = Array.from({ length: 25 }, (_, i) => `model_${i}.safetensors`);
  const long = rejectionFailure(missingModel(null), { graph: wan5.graph, workflow: wan5, available: many });
  assert.match(long.message, /The server has: model_0\.safetensors, .*model_4\.safetensors and 20 more\.$/);
  const none = rejectionFailure(missingModel([]), { graph: wan5.graph, workflow: wan5 });
  assert.match(none.message, /The server has none in that folder\.$/);
});

Deno.test("a missing node type names the custom node pack to install", () => {
  const rejection = (classType: string) =>
    new PromptRejectedError(400, {
      type: "missing_node_type",
      message: `Node '${classType}' not found. The custom node may not be installed.`,
      extra_info: { node_id: "12", class_type: classType, node_title: "Video Combine" },
    }, {});
  const vhs = rejectionFailure(rejection("VHS_VideoCombine"), { graph: wan5.graph, workflow: wan5 });
  assert.equal(vhs.transient, false);
  assert.match(
    vhs.message,
    /^ComfyUI cannot run the built-in "wan22-5b" workflow: node 12 \(Save Video\) needs the node type "VHS_VideoCombine", which the server does not have; install the custom node pack ComfyUI-VideoHelperSuite \(ComfyUI-Manager → Install Missing Custom Nodes\) and restart ComfyUI\.$/,
  );
  const core = rejectionFailure(rejection("CreateVideo"), { graph: wan5.graph, workflow: wan5 });
  assert.match(core.message, /"CreateVideo" is part of ComfyUI itself, so this server is too old: update ComfyUI/);
});

Deno.test("other validation errors are permanent and name the node and input; a vanished upload is transient", () => {
  const rejection = (type: string, details: string, input?: string) =>
    new PromptRejectedError(400, {
      type: "prompt_outputs_failed_validation",
      message: "Prompt outputs failed validation",
    }, {
      "7": {
        errors: [{
          type,
          message: type === "value_bigger_than_max"
            ? "Value 99999 bigger than max of 16384"
            : "Custom validation failed for node",
          details,
          extra_info: { input_name: input },
        }],
      },
    });
  const tooBig = rejectionFailure(rejection("value_bigger_than_max", "width", "width"), {
    graph: wan5.graph,
    workflow: wan5,
  });
  assert.equal(tooBig.transient, false);
  assert.match(tooBig.message, /node 7 \(Video Size and Length\), input "width": Value 99999 bigger than max of 16384/);
  const upload = rejectionFailure(rejection("custom_validation_failed", "image - Invalid image file: s.png", "image"), {
    graph: wan5.graph,
    workflow: wan5,
  });
  assert.equal(upload.transient, true);
  assert.match(upload.message, /could not find the uploaded start image/);
});

Deno.test("out of memory is transient; the last attempt suggests the lighter preset", () => {
  const oom = {
    node_id: "13",
    node_type: "KSamplerAdvanced",
    exception_type: "torch.OutOfMemoryError",
    exception_message: "Allocation on device",
  };
  const early = executionFailure(oom, { graph: wan14.graph, workflow: wan14, lastAttempt: false });
  assert.equal(early.transient, true);
  assert.equal(early.message, "The GPU ran out of memory in node 13 (Sampler (high noise)). The part will be retried.");
  const last = executionFailure(oom, { graph: wan14.graph, workflow: wan14, lastAttempt: true });
  assert.equal(last.transient, true);
  assert.match(last.message, /Set COMFYUI_VIDEO_WORKFLOW=wan22-5b for a lighter workflow/);
  const noLighter = executionFailure({ ...oom, node_id: "5" }, {
    graph: sdxl.graph,
    workflow: sdxl,
    lastAttempt: true,
  });
  assert.match(noLighter.message, /Use a lighter workflow or a smaller size/);
});

Deno.test("other execution errors are permanent with ComfyUI's message, without server paths", () => {
  const failure = executionFailure({
    node_id: "10",
    node_type: "VAEDecode",
    exception_type: "safetensors_rust.SafetensorError",
    exception_message:
      "Error while deserializing header: /srv/ComfyUI/models/vae/wan2.2_vae.safetensors is truncated\n\nmore",
  }, { graph: wan5.graph, workflow: wan5, lastAttempt: false });
  assert.equal(failure.transient, false);
  assert.equal(
    failure.message,
    "ComfyUI failed in node 10 (Decode): SafetensorError: Error while deserializing header: wan2.2_vae.safetensors is truncated.",
  );
});
