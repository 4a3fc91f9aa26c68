import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Hono } from "hono";
import { isHashedFileName, isHashedPath, staticFiles } from "./static.ts";

async function setup() {
  const dir = await Deno.makeTempDir({ prefix: "static-test-" });
  const root = join(dir, "static");
  await Deno.mkdir(join(root, "build"), { recursive: true });
  const js = "console.log('hashed');\n".repeat(50);
  await Deno.writeTextFile(join(root, "build", "islands-0123456789abcdef.js"), js);
  await Deno.writeFile(
    join(root, "build", "islands-0123456789abcdef.js.gz"),
    gzipSync(new TextEncoder().encode(js)),
  );
  // The islands build: a folder named after its content's hash, chunks named by deno bundle.
  await Deno.mkdir(join(root, "build", "islands-fedcba9876543210"));
  await Deno.writeTextFile(join(root, "build", "islands-fedcba9876543210", "chunk-K6XD3WBK.js"), js);
  await Deno.writeFile(
    join(root, "build", "islands-fedcba9876543210", "chunk-K6XD3WBK.js.gz"),
    gzipSync(new TextEncoder().encode(js)),
  );
  await Deno.writeTextFile(join(root, "app.css"), "body{margin:0}\n");
  await Deno.writeTextFile(join(root, ".secret"), "no\n");
  await Deno.writeTextFile(join(dir, "outside.txt"), "outside\n");
  await Deno.symlink(join(dir, "outside.txt"), join(root, "link.txt"));
  const app = new Hono();
  app.use("/static/*", staticFiles({ root }));
  app.notFound((c) => c.text("not found", 404));
  return {
    app,
    js,
    cleanup: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("hashed files are immutable and served gzipped when accepted", async () => {
  const { app, js, cleanup } = await setup();
  try {
    const url = "/static/build/islands-0123456789abcdef.js";
    const plain = await app.request(url);
    assert.equal(plain.status, 200);
    assert.equal(await plain.text(), js);
    assert.equal(
      plain.headers.get("cache-control"),
      "public, max-age=31536000, immutable",
    );
    assert.equal(plain.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.equal(plain.headers.get("content-encoding"), null);
    assert.equal(plain.headers.get("x-content-type-options"), "nosniff");

    const gz = await app.request(url, {
      headers: { "accept-encoding": "gzip, deflate, br" },
    });
    assert.equal(gz.headers.get("content-encoding"), "gzip");
    assert.equal(gz.headers.get("vary"), "Accept-Encoding");
    const body = new Uint8Array(await gz.arrayBuffer());
    assert.equal(Number(gz.headers.get("content-length")), body.byteLength);
    assert.ok(body.byteLength < js.length);

    const head = await app.request(url, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
    assert.equal(Number(head.headers.get("content-length")), js.length);
  } finally {
    await cleanup();
  }
});

Deno.test("other files get a short cache and revalidate with ETag", async () => {
  const { app, cleanup } = await setup();
  try {
    const first = await app.request("/static/app.css");
    assert.equal(first.status, 200);
    assert.equal(await first.text(), "body{margin:0}\n");
    assert.equal(first.headers.get("cache-control"), "public, max-age=60, must-revalidate");
    assert.equal(first.headers.get("content-type"), "text/css; charset=utf-8");
    const etag = first.headers.get("etag");
    assert.ok(etag);
    const again = await app.request("/static/app.css", {
      headers: { "if-none-match": etag },
    });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), "");
  } finally {
    await cleanup();
  }
});

Deno.test("traversal, dotfiles, symlinks out of root and misses fall through", async () => {
  const { app, cleanup } = await setup();
  try {
    for (
      const path of [
        "/static/../outside.txt",
        "/static/%2e%2e/outside.txt",
        "/static/build/..%2f..%2foutside.txt",
        "/static/build%5c..%5c..%5coutside.txt",
        "/static/.secret",
        "/static/link.txt",
        "/static/build",
        "/static/",
        "/static/missing.js",
        "/static/app.css%00.js",
        "/static/%E0%A4%A",
      ]
    ) {
      const res = await app.request(path);
      assert.equal(res.status, 404, path);
      assert.equal(await res.text(), "not found", path);
    }
    const post = await app.request("/static/app.css", { method: "POST" });
    assert.equal(post.status, 404);
  } finally {
    await cleanup();
  }
});

Deno.test("a chunk in the islands build's hashed folder is immutable and served gzipped", async () => {
  const { app, js, cleanup } = await setup();
  try {
    const url = "/static/build/islands-fedcba9876543210/chunk-K6XD3WBK.js";
    const gz = await app.request(url, { headers: { "accept-encoding": "gzip" } });
    assert.equal(gz.status, 200);
    assert.equal(gz.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(gz.headers.get("content-encoding"), "gzip");
    assert.equal(gz.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.ok((await gz.arrayBuffer()).byteLength < js.length);
    const css = await app.request("/static/app.css");
    assert.equal(css.headers.get("cache-control"), "public, max-age=60, must-revalidate");
  } finally {
    await cleanup();
  }
});

Deno.test("isHashedPath: a hashed name, or a file in a hashed folder", () => {
  assert.ok(isHashedPath("build/islands-0123456789abcdef/entry.js"));
  assert.ok(isHashedPath("build/islands-0123456789abcdef/chunk-K6XD3WBK.js"));
  assert.ok(isHashedPath("build/islands-0123456789abcdef.js"));
  assert.ok(!isHashedPath("build/islands-manifest.json"));
  assert.ok(!isHashedPath("islands-0123456789abcdef"));
  assert.ok(!isHashedPath("build/app.css"));
});

Deno.test("isHashedFileName", () => {
  assert.ok(isHashedFileName("islands-0123456789abcdef.js"));
  assert.ok(isHashedFileName("app-deadbeef.css"));
  assert.ok(!isHashedFileName("app.css"));
  assert.ok(!isHashedFileName("islands-manifest.json"));
  assert.ok(!isHashedFileName("logo-dark.svg"));
});
