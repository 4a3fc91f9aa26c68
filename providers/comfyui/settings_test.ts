import assert from "node:assert/strict";
import { ComfyUISettingsError, loadComfyUISettings } from "./settings.ts";
import wan5Template from "./testdata/wan22_5B_ti2v_i2v.api.json" with { type: "json" };

const both = { image: true, video: true };
const files: Record<string, string> = {
  "/cfg/wan5.json": JSON.stringify(wan5Template),
  "/cfg/wan5-bindings.json": JSON.stringify({ prompt: "6.text", nativeFps: 24, maxFrames: 121 }),
  "/cfg/ui.json": JSON.stringify({ nodes: [], links: [] }),
  "/cfg/broken.json": "{ nope",
  "/cfg/bad-bindings.json": JSON.stringify({ prompt: "six" }),
};
const read = (path: string) => {
  if (!(path in files)) throw new Deno.errors.NotFound(path);
  return files[path];
};

Deno.test("defaults: one server for both parts, flux-schnell and wan22-5b, 30 minutes per part", () => {
  const settings = loadComfyUISettings({ COMFYUI_URL: "http://gpu-box:8188/" }, both, read);
  assert.equal(settings.image?.url, "http://gpu-box:8188");
  assert.equal(settings.video?.url, "http://gpu-box:8188");
  assert.equal(settings.image?.workflow.preset, "flux-schnell");
  assert.equal(settings.video?.workflow.preset, "wan22-5b");
  assert.equal(settings.timeoutS, 1800);
  assert.equal(settings.negativePrompt, undefined);
});

Deno.test("per-part URLs override COMFYUI_URL; unused parts are left out", () => {
  const settings = loadComfyUISettings(
    {
      COMFYUI_URL: "http://a:8188",
      COMFYUI_VIDEO_URL: "https://b.example/comfy",
      COMFYUI_VIDEO_WORKFLOW: "wan22-14b-4step",
      COMFYUI_TIMEOUT_S: "600",
      COMFYUI_NEGATIVE_PROMPT: "blurry",
    },
    both,
    read,
  );
  assert.equal(settings.image?.url, "http://a:8188");
  assert.equal(settings.video?.url, "https://b.example/comfy");
  assert.equal(settings.video?.workflow.preset, "wan22-14b-4step");
  assert.equal(settings.timeoutS, 600);
  assert.equal(settings.negativePrompt, "blurry");
  const imageOnly = loadComfyUISettings({ COMFYUI_IMAGE_URL: "http://a:8188" }, { image: true, video: false }, read);
  assert.equal(imageOnly.video, undefined);
});

Deno.test("a custom workflow with a binding file is read once, bindings inferred where the file is silent", () => {
  const settings = loadComfyUISettings(
    {
      COMFYUI_URL: "http://a:8188",
      COMFYUI_VIDEO_WORKFLOW: "/cfg/wan5.json",
      COMFYUI_VIDEO_BINDINGS: "/cfg/wan5-bindings.json",
    },
    both,
    read,
  );
  const workflow = settings.video!.workflow;
  assert.equal(workflow.label, "the workflow in wan5.json");
  assert.deepEqual(workflow.bindings.prompt, [{ node: "6", input: "text" }]);
  assert.deepEqual(workflow.bindings.image, [{ node: "56", input: "image" }]);
  assert.equal(workflow.bindings.output, "58");
  assert.deepEqual(workflow.grid, { fps: 24, maxFrames: 121 });
  assert.deepEqual(workflow.size.landscape, { width: 1280, height: 704 });
});

Deno.test("bad values are one sentence naming the variable", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [
      {},
      /^The environment variable COMFYUI_URL is not set: IMAGE_PROVIDER=comfyui needs the address of a ComfyUI server/,
    ],
    [
      { COMFYUI_URL: "gpu-box:8188" },
      /^The environment variable COMFYUI_URL="gpu-box:8188" is not valid: must be an http:\/\/ or https:\/\/ address/,
    ],
    [
      { COMFYUI_URL: "http://a", COMFYUI_TIMEOUT_S: "soon" },
      /^The environment variable COMFYUI_TIMEOUT_S="soon" is not valid/,
    ],
    [
      { COMFYUI_URL: "http://a", COMFYUI_IMAGE_WORKFLOW: "dalle" },
      /^The environment variable COMFYUI_IMAGE_WORKFLOW="dalle" is not valid: there is no built-in image workflow "dalle"; choose flux-schnell, sdxl, z-image-turbo or a path/,
    ],
    [
      { COMFYUI_URL: "http://a", COMFYUI_VIDEO_WORKFLOW: "sdxl" },
      /no built-in video workflow "sdxl"; choose wan22-5b, wan22-14b, wan22-14b-4step/,
    ],
    [
      { COMFYUI_URL: "http://a", COMFYUI_VIDEO_WORKFLOW: "/cfg/missing.json" },
      /^The environment variable COMFYUI_VIDEO_WORKFLOW=\/cfg\/missing\.json is not valid: there is no such file\.$/,
    ],
    [{ COMFYUI_URL: "http://a", COMFYUI_VIDEO_WORKFLOW: "/cfg/broken.json" }, /is not valid: the file is not JSON/],
    [
      { COMFYUI_URL: "http://a", COMFYUI_VIDEO_WORKFLOW: "/cfg/ui.json" },
      /is a UI workflow, not an API-format one: in ComfyUI use Workflow → Export \(API\)/,
    ],
    [
      {
        COMFYUI_URL: "http://a",
        COMFYUI_VIDEO_WORKFLOW: "/cfg/wan5.json",
        COMFYUI_VIDEO_BINDINGS: "/cfg/bad-bindings.json",
      },
      /^The environment variable COMFYUI_VIDEO_BINDINGS=\/cfg\/bad-bindings\.json is not valid: "prompt": write a node input as/,
    ],
    [
      { COMFYUI_URL: "http://a", COMFYUI_IMAGE_BINDINGS: "/cfg/wan5-bindings.json" },
      /COMFYUI_IMAGE_BINDINGS is set, but COMFYUI_IMAGE_WORKFLOW=flux-schnell names a built-in workflow/,
    ],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadComfyUISettings(env, both, read), (error: Error) => {
      assert.ok(error instanceof ComfyUISettingsError);
      assert.match(error.message, message);
      assert.equal(
        error.message.replaceAll("e.g.", "eg").split(/\.\s+[A-Z]/).length,
        1,
        `one sentence: ${error.message}`,
      );
      return true;
    }, JSON.stringify(env));
  }
});

Deno.test("several servers: COMFYUI_URLS for both parts, or a list per part; COMFYUI_URL stays one server", () => {
  const shared = loadComfyUISettings({ COMFYUI_URLS: " http://gpu1:8188/, http://gpu2:8188 ," }, both, read);
  assert.deepEqual(shared.image?.urls, ["http://gpu1:8188", "http://gpu2:8188"]);
  assert.deepEqual(shared.video?.urls, ["http://gpu1:8188", "http://gpu2:8188"]);
  assert.equal(shared.image?.url, "http://gpu1:8188");
  const split = loadComfyUISettings(
    { COMFYUI_URL: "http://a:8188", COMFYUI_VIDEO_URL: "http://b:8188,http://c:8188" },
    both,
    read,
  );
  assert.deepEqual(split.image?.urls, ["http://a:8188"]);
  assert.deepEqual(split.video?.urls, ["http://b:8188", "http://c:8188"]);
});

Deno.test("several servers: a bad, repeated or empty list, or COMFYUI_URL with COMFYUI_URLS, is one sentence naming the variable", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [
      { COMFYUI_URLS: "http://gpu1:8188,ftp://gpu2" },
      /^The environment variable COMFYUI_URLS=.*"ftp:\/\/gpu2" must be an http/,
    ],
    [{ COMFYUI_URLS: "http://gpu1:8188,http://gpu1:8188/" }, /COMFYUI_URLS=.* it lists http:\/\/gpu1:8188 twice\.$/],
    [{ COMFYUI_URLS: " , " }, /COMFYUI_URLS=.* it lists no server/],
    [{ COMFYUI_URL: "http://a:8188", COMFYUI_URLS: "http://b:8188" }, /COMFYUI_URL and COMFYUI_URLS are both set/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadComfyUISettings(env, both, read), (e: Error) => {
      assert.ok(e instanceof ComfyUISettingsError);
      assert.match(e.message, message);
      return true;
    });
  }
});
