import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
import { buildIslands, listIslands, loadIslandsBuild } from "./build.ts";
import { currentIslandsBuild, startFiles } from "./state.ts";

async function tempProject() {
  const root = await Deno.makeTempDir({ prefix: "islands-build-test-" });
  const islandsDir = join(root, "islands");
  const outDir = join(root, "static", "build");
  await Deno.mkdir(islandsDir, { recursive: true });
  return {
    root,
    islandsDir,
    outDir,
    write: (name: string, source: string) => Deno.writeTextFile(join(islandsDir, name), source),
    cleanup: () => Deno.remove(root, { recursive: true }),
  };
}

const greeting = (text: string) =>
  `import { h } from "preact";
import { label } from "./_label.ts";
export default function Greeting(props: { name: string }) {
  return h("p", null, label(${JSON.stringify(text)}, props.name));
}
`;

Deno.test("listIslands finds island files and skips helpers and tests", async () => {
  const p = await tempProject();
  try {
    for (
      const name of [
        "B.tsx",
        "A.ts",
        "c-d.jsx",
        "_helper.ts",
        ".hidden.tsx",
        "A_test.ts",
        "B.test.tsx",
        "types.d.ts",
        "notes.md",
      ]
    ) {
      await p.write(name, "export default () => null;\n");
    }
    await Deno.mkdir(join(p.islandsDir, "nested"));
    assert.deepEqual((await listIslands(p.islandsDir)).map((i) => i.name), [
      "A",
      "B",
      "c-d",
    ]);
    await p.write("A.tsx", "export default () => null;\n");
    await assert.rejects(
      () => listIslands(p.islandsDir),
      /two island files are named "A"/,
    );
    assert.deepEqual(await listIslands(join(p.root, "missing")), []);
  } finally {
    await p.cleanup();
  }
});

Deno.test("an empty or missing islands dir needs no bundle", async () => {
  const p = await tempProject();
  try {
    for (const islandsDir of [p.islandsDir, join(p.root, "none")]) {
      const build = await buildIslands({
        islandsDir,
        outDir: p.outDir,
        register: false,
      });
      assert.equal(build.url, null);
      assert.equal(build.scriptPath, null);
      assert.equal(build.bytes, 0);
      assert.deepEqual(build.islands, []);
    }
    await assert.rejects(() => Deno.stat(p.outDir), Deno.errors.NotFound);
  } finally {
    await p.cleanup();
  }
});

Deno.test("builds a hashed bundle, reuses it while sources are unchanged", async () => {
  const p = await tempProject();
  try {
    await p.write(
      "_label.ts",
      "export const label = (a: string, b: string) => `${a}, ${b}`;\n",
    );
    await p.write("Greeting.ts", greeting("Hello"));

    const first = await buildIslands({ islandsDir: p.islandsDir, outDir: p.outDir });
    assert.equal(first.cached, false);
    assert.deepEqual(first.islands, ["Greeting"]);
    assert.match(first.url ?? "", /^\/static\/build\/islands-[0-9a-f]{16}\/entry\.js$/);
    assert.equal(first.baseUrl, `/static/build/islands-${first.hash}`);
    assert.equal(first.scriptPath, join(p.outDir, `islands-${first.hash}`, "entry.js"));
    assert.deepEqual(first.chunks, { Greeting: { file: "entry.js", hydration: "load" } });
    const code = await Deno.readFile(first.scriptPath!);
    assert.equal(code.byteLength, first.files["entry.js"].bytes);
    const gz = await Deno.readFile(`${first.scriptPath}.gz`);
    assert.equal(gz.byteLength, first.files["entry.js"].gzipBytes);
    assert.deepEqual(gunzipSync(gz), Buffer.from(code));
    const files = Object.values(first.files);
    assert.equal(first.bytes, files.reduce((sum, f) => sum + f.bytes, 0));
    assert.equal(first.gzipBytes, files.reduce((sum, f) => sum + f.gzipBytes, 0));
    assert.ok(first.gzipBytes < first.bytes);
    const text = new TextDecoder().decode(code);
    assert.match(text, /Hello/);
    assert.deepEqual(startFiles(first, ["Greeting"]), ["entry.js", ...first.files["entry.js"].imports]);
    // registered as the current build; pages find the island by its component
    assert.equal(currentIslandsBuild(), first);
    const { default: Greeting } = await import(pathToFileURL(join(p.islandsDir, "Greeting.ts")).href);
    assert.deepEqual([...first.components], [[Greeting, "Greeting"]]);

    const second = await buildIslands({
      islandsDir: p.islandsDir,
      outDir: p.outDir,
      register: false,
    });
    assert.equal(second.cached, true);
    assert.equal(second.url, first.url);
    assert.ok(second.ms < 100, `cached build took ${second.ms} ms`);

    // A change in a module the island imports (not an island) rebuilds.
    await p.write(
      "_label.ts",
      "export const label = (a: string, b: string) => `${a}; ${b}!`;\n",
    );
    const third = await buildIslands({
      islandsDir: p.islandsDir,
      outDir: p.outDir,
      register: false,
    });
    assert.equal(third.cached, false);
    assert.notEqual(third.url, first.url);
    // The previous bundle stays for pages already in browsers.
    await Deno.stat(first.scriptPath!);

    const loaded = await loadIslandsBuild({ islandsDir: p.islandsDir, outDir: p.outDir, register: false });
    assert.equal(loaded.url, third.url);
    assert.equal(loaded.gzipBytes, third.gzipBytes);
    assert.deepEqual([...loaded.components.values()], ["Greeting"]);

    // A new island file rebuilds too; an idle one is a chunk of its own, not loaded at start.
    await p.write("Other.ts", greeting("Hi") + 'export const hydration = "idle";\n');
    const fourth = await buildIslands({
      islandsDir: p.islandsDir,
      outDir: p.outDir,
      register: false,
    });
    assert.equal(fourth.cached, false);
    assert.deepEqual(fourth.islands, ["Greeting", "Other"]);
    const other = fourth.chunks.Other;
    assert.equal(other.hydration, "idle");
    assert.match(other.file, /^Other-[A-Z0-9]+\.js$/);
    const otherCode = await Deno.readTextFile(join(p.outDir, `islands-${fourth.hash}`, other.file));
    assert.match(otherCode, /Hi/);
    assert.doesNotMatch(await Deno.readTextFile(fourth.scriptPath!), /Hi/, "the idle island is not in the entry");
    const start = startFiles(fourth, ["Greeting", "Other"]);
    assert.ok(!start.includes(other.file), `${other.file} is not loaded at start: ${start.join(", ")}`);
    assert.deepEqual(startFiles(fourth, ["Greeting"]), start);
    for (const file of Object.keys(fourth.files)) {
      await Deno.stat(join(p.outDir, `islands-${fourth.hash}`, `${file}.gz`));
    }

    // Old builds are removed, but the 4 most recent besides the current one stay.
    for (let i = 0; i < 5; i++) {
      await p.write("_label.ts", `export const label = (a: string, b: string) => \`\${a} ${i} \${b}\`;\n`);
      await buildIslands({ islandsDir: p.islandsDir, outDir: p.outDir, register: false });
    }
    const folders = [];
    for await (const entry of Deno.readDir(p.outDir)) if (entry.name.startsWith("islands-")) folders.push(entry.name);
    assert.equal(folders.filter((name) => name !== "islands-manifest.json").length, 5, folders.join(", "));
    await assert.rejects(() => Deno.stat(first.scriptPath!), Deno.errors.NotFound);
  } finally {
    await p.cleanup();
  }
});

Deno.test("a bundling error is reported with deno's message", async () => {
  const p = await tempProject();
  try {
    await p.write("Broken.ts", 'import x from "./missing.ts";\nexport default x;\n');
    await assert.rejects(
      () =>
        buildIslands({
          islandsDir: p.islandsDir,
          outDir: p.outDir,
          register: false,
        }),
      /(deno (bundle|info) failed|could not be imported)[\s\S]*missing\.ts/,
    );
  } finally {
    await p.cleanup();
  }
});

Deno.test("an island's hydration must be load or idle", async () => {
  const p = await tempProject();
  try {
    await p.write("_label.ts", "export const label = (a: string, b: string) => a + b;\n");
    await p.write("Soon.ts", greeting("Soon") + 'export const hydration = "visible";\n');
    await assert.rejects(
      () => buildIslands({ islandsDir: p.islandsDir, outDir: p.outDir, register: false }),
      /Soon\.ts exports hydration = "visible": it must be "load" or "idle"/,
    );
  } finally {
    await p.cleanup();
  }
});

Deno.test("loadIslandsBuild fails clearly without a manifest", async () => {
  const p = await tempProject();
  try {
    await assert.rejects(
      () => loadIslandsBuild({ outDir: p.outDir, register: false }),
      /no islands bundle in/,
    );
  } finally {
    await p.cleanup();
  }
});
