import assert from "node:assert/strict";
import { type ExportOptions, type ExportScene, framesToMs, MAX_SLOWDOWN, planExport, visualFor } from "./plan.ts";

const OPTIONS: ExportOptions = {
  fps: 24,
  width: 320,
  height: 180,
  defaultSceneMs: 4000,
  placeholders: false,
  captions: { burnIn: false, sidecar: true },
};

const scene = (number: number, parts: Partial<ExportScene> = {}): ExportScene => ({
  number,
  text: `Scene ${number} text.`,
  ...parts,
});
const clip = (durationMs: number) => ({ path: `/c${durationMs}.mp4`, durationMs });
const audio = (durationMs: number) => ({ path: `/a${durationMs}.m4a`, durationMs });

const lengthCases: { name: string; scene: ExportScene; frames: number }[] = [
  {
    name: "narration sets the length, rounded up to a whole frame",
    scene: scene(1, { clip: clip(4000), audio: audio(2010) }),
    frames: 49,
  },
  {
    name: "narration of exactly whole frames stays",
    scene: scene(1, { clip: clip(4000), audio: audio(2000) }),
    frames: 48,
  },
  { name: "no narration: the clip's length", scene: scene(1, { clip: clip(3000) }), frames: 72 },
  { name: "no narration: a clip length between frames rounds", scene: scene(1, { clip: clip(4021) }), frames: 97 },
  { name: "no narration, a still: the default length", scene: scene(1, { still: { path: "/s.png" } }), frames: 96 },
];
for (const c of lengthCases) {
  Deno.test(`export plan: ${c.name}`, () => {
    const result = planExport([c.scene], OPTIONS);
    assert.ok(result.ok);
    assert.equal(result.plan.scenes[0].frames, c.frames);
  });
}

const fitCases: { name: string; clipMs: number; frames: number; want: ReturnType<typeof visualFor> }[] = [
  {
    name: "a longer clip is trimmed",
    clipMs: 4000,
    frames: 48,
    want: { kind: "clip", path: "/c4000.mp4", slowdown: 1, holdFrames: 0, fit: "trim" },
  },
  {
    name: "an equal clip plays as is",
    clipMs: 2000,
    frames: 48,
    want: { kind: "clip", path: "/c2000.mp4", slowdown: 1, holdFrames: 0, fit: "exact" },
  },
  {
    name: "a slightly shorter clip is slowed down to fit",
    clipMs: 4000,
    frames: 108,
    want: { kind: "clip", path: "/c4000.mp4", slowdown: 1.125, holdFrames: 0, fit: "slow" },
  },
  {
    name: "exactly the slow-down cap",
    clipMs: 4000,
    frames: 120,
    want: { kind: "clip", path: "/c4000.mp4", slowdown: 1.25, holdFrames: 0, fit: "slow" },
  },
  {
    name: "a much shorter clip is slowed to the cap and holds its last frame",
    clipMs: 4000,
    frames: 192,
    want: { kind: "clip", path: "/c4000.mp4", slowdown: MAX_SLOWDOWN, holdFrames: 72, fit: "slow-and-hold" },
  },
];
for (const c of fitCases) {
  Deno.test(`export plan: ${c.name}`, () => {
    assert.deepEqual(visualFor(scene(1, { clip: clip(c.clipMs) }), c.frames, 24), c.want);
  });
}

Deno.test("export plan: a still gets a pan, nothing gets a placeholder card when asked", () => {
  const result = planExport([scene(1, { still: { path: "/s.png" } }), scene(2)], { ...OPTIONS, placeholders: true });
  assert.ok(result.ok);
  assert.deepEqual(result.plan.scenes.map((s) => s.visual), [
    { kind: "still", path: "/s.png" },
    { kind: "placeholder", title: "Scene 2", text: "Scene 2 text." },
  ]);
});

Deno.test("export plan: scenes with neither video nor image are refused, all of them listed", () => {
  const scenes = [
    scene(1, { clip: clip(4000) }),
    scene(2),
    scene(3, { still: { path: "/s.png" } }),
    scene(4, { audio: audio(1000) }),
  ];
  const result = planExport(scenes, OPTIONS);
  assert.ok(!result.ok);
  assert.equal(result.reason, "missing");
  assert.deepEqual(result.missing.map((m) => [m.number, m.missing]), [[2, ["video", "image"]], [4, [
    "video",
    "image",
  ]]]);
  assert.equal(
    result.message,
    "2 scenes have neither a video nor an image, so the export cannot show them: 2, 4. Generate them, or export with placeholders.",
  );
  const one = planExport([scene(7)], OPTIONS);
  assert.ok(!one.ok);
  assert.match(one.message, /^Scene 7 has neither a video nor an image/);
  const empty = planExport([], OPTIONS);
  assert.ok(!empty.ok && empty.reason === "empty");
});

Deno.test("export plan: scenes follow each other frame-exactly and add up to the video", () => {
  const scenes = [
    scene(1, { clip: clip(4000), audio: audio(2345) }),
    scene(2, { still: { path: "/s.png" }, audio: audio(3999) }),
    scene(3, { clip: clip(4000) }),
    scene(4, { still: { path: "/s.png" } }),
  ];
  for (const fps of [24, 25, 30, 16]) {
    const result = planExport(scenes, { ...OPTIONS, fps });
    assert.ok(result.ok);
    const { plan } = result;
    let frame = 0;
    for (const s of plan.scenes) {
      assert.equal(s.startFrame, frame);
      assert.equal(s.startMs, framesToMs(frame, fps));
      frame += s.frames;
      assert.equal(s.startMs + s.durationMs, framesToMs(frame, fps));
      if (s.audio) assert.ok(s.durationMs >= s.audio.durationMs, "narration never cut");
    }
    assert.equal(plan.totalFrames, frame);
    assert.equal(plan.durationMs, framesToMs(frame, fps));
    assert.equal(plan.scenes.reduce((n, s) => n + s.durationMs, 0), plan.durationMs);
  }
});

Deno.test("export plan: captions follow the scenes, timed by narration words where known", () => {
  const long =
    "The keeper climbed the spiral stairs every evening at dusk, trimmed the wick, polished the great lens and watched the sea until dawn.";
  const words = long.split(" ").map((text, i) => ({ text, startMs: 100 + i * 200, endMs: 280 + i * 200 }));
  const result = planExport([
    scene(1, { clip: clip(2000), text: "Short one." }),
    scene(2, { clip: clip(4000), text: long, audio: { ...audio(5000), words } }),
  ], OPTIONS);
  assert.ok(result.ok);
  const { cues, srt, vtt } = result.plan;
  assert.deepEqual(cues.map((c) => [c.startMs, c.endMs]), [[0, 2000], [2000, 4700], [4700, 7000]]);
  assert.equal(cues[1].text, "The keeper climbed the spiral stairs every\nevening at dusk, trimmed the wick,");
  assert.equal(cues[2].text, "polished the great lens and watched the\nsea until dawn.");
  assert.match(srt, /^1\n00:00:00,000 --> 00:00:02,000\nShort one\.\n\n2\n00:00:02,000 --> 00:00:04,700\nThe keeper/);
  assert.match(vtt, /^WEBVTT\n\n00:00:00\.000 --> 00:00:02\.000\nShort one\.\n\n00:00:02\.000 --> 00:00:04\.700\n/);
});

Deno.test("export plan: options are checked", () => {
  assert.throws(() => planExport([scene(1)], { ...OPTIONS, width: 321 }), /even width and height/);
  assert.throws(() => planExport([scene(1)], { ...OPTIONS, fps: 0 }), /fps above 0/);
});
