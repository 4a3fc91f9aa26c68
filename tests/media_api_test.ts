// Taking the results: the project's media as one zip (names by scene number, the bytes of the
// current takes), the project list (thumbnail, done and failed counts, last run, in one query), and
// compressed pages and JSON — never the event stream, media or the zip. Real app, worker, database
// and files.
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { unzipSync } from "fflate";
import { createApp } from "../app.ts";
import { EventHub } from "../core/live/hub.ts";
import { buildIslands } from "../islands_runtime/build.ts";
import { mediaPath } from "../media/store.ts";
import { freshDatabase } from "./helpers/db.ts";
import { makeProject, removeDataDir, startTestWorker, testConfig, waitForRunEnd } from "./helpers/worker.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test("media.zip, the project list and compression", async (t) => {
  await buildIslands();
  const db = await freshDatabase("media_api");
  const config = await testConfig(db);
  const worker = await startTestWorker(db, config);
  const hub = new EventHub({ sql: db.sql, url: db.url, watchdogMs: 1000 });
  await hub.start();
  const app = createApp({ sql: db.sql, config, hub });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { res, body: res.headers.get("content-type")?.includes("json") ? await res.json() : null } as {
      res: Response;
      body: Any;
    };
  };
  try {
    const { projectId, sentenceIds } = await makeProject(db.sql, 3, { title: "Zip: the keeper's night" });
    const empty = await makeProject(db.sql, 2, { title: "Nothing yet" });
    // Scene 3's image fails: it has no media, its number stays 3.
    await call("PATCH", `/api/v1/sentences/${sentenceIds[2]}`, { imagePrompt: "[fail] scene 3" });
    assert.equal((await call("POST", `/api/v1/projects/${projectId}/generate-scenes`)).res.status, 202);
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");

    await t.step("the zip holds every current take, named by scene number, with the files' bytes", async () => {
      const res = await app.request(`/api/v1/projects/${projectId}/media.zip`, {
        headers: { "accept-encoding": "gzip" },
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "application/zip");
      assert.equal(res.headers.get("content-disposition"), 'attachment; filename="zip-the-keeper-s-night-media.zip"');
      assert.equal(res.headers.get("content-encoding"), null, "a zip of PNG and MP4 is not gzipped again");
      const bytes = new Uint8Array(await res.arrayBuffer());
      assert.equal(Number(res.headers.get("content-length")), bytes.length, "the announced length is exact");
      const files = unzipSync(bytes);
      assert.deepEqual(Object.keys(files).sort(), [
        "scene-001-image.png",
        "scene-001-video.mp4",
        "scene-002-image.png",
        "scene-002-video.mp4",
      ]);
      const takes = await db.sql<{ id: number; kind: string; path: string }[]>`
        select s.id, sp.kind, t.path from scene_parts sp join takes t on t.id = sp.take_id
        join sentences s on s.id = sp.sentence_id where s.project_id = ${projectId}`;
      assert.equal(takes.length, 4);
      for (const take of takes) {
        const number = sentenceIds.indexOf(take.id) + 1;
        const name = `scene-00${number}-${take.kind}.${take.kind === "image" ? "png" : "mp4"}`;
        assert.deepEqual(files[name], await Deno.readFile(mediaPath(config.dataDir, take.path)), name);
      }
    });

    await t.step("after picking an earlier take, the zip holds that one", async () => {
      const first = (await call("GET", `/api/v1/sentences/${sentenceIds[0]}`)).body.image.take;
      assert.equal(
        (await call("POST", `/api/v1/sentences/${sentenceIds[0]}/regenerate`, { parts: ["image"] })).res.status,
        202,
      );
      assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
      const newer = (await call("GET", `/api/v1/sentences/${sentenceIds[0]}`)).body.image.take;
      assert.notEqual(newer.id, first.id);
      const zipOf = async () =>
        unzipSync(new Uint8Array(await (await app.request(`/api/v1/projects/${projectId}/media.zip`)).arrayBuffer()));
      const [, path] = /^\/media\/(.*)$/.exec(decodeURI(newer.url))!;
      assert.deepEqual((await zipOf())["scene-001-image.png"], await Deno.readFile(mediaPath(config.dataDir, path)));
      assert.equal(
        (await call("PUT", `/api/v1/sentences/${sentenceIds[0]}/takes/current`, { part: "image", takeId: first.id }))
          .res.status,
        200,
      );
      const [, firstPath] = /^\/media\/(.*)$/.exec(decodeURI(first.url))!;
      assert.deepEqual(
        (await zipOf())["scene-001-image.png"],
        await Deno.readFile(mediaPath(config.dataDir, firstPath)),
      );
    });

    await t.step("no media yet: 409 with a sentence; unknown project: 404", async () => {
      const none = await call("GET", `/api/v1/projects/${empty.projectId}/media.zip`);
      assert.equal(none.res.status, 409);
      assert.match(none.body.error, /no generated images, clips or narration yet/);
      assert.equal((await call("GET", "/api/v1/projects/999999/media.zip")).res.status, 404);
      const post = await call("POST", `/api/v1/projects/${projectId}/media.zip`);
      assert.equal(post.res.status, 405);
      assert.equal(post.res.headers.get("allow"), "GET, HEAD");
    });

    await t.step("the project list: thumbnail, done and failed counts, last run — page and API", async () => {
      const { body } = await call("GET", "/api/v1/projects");
      const [newest, zip] = body.projects;
      assert.equal(newest.id, empty.projectId);
      assert.deepEqual(
        [newest.thumbUrl, newest.scenesDone, newest.scenesFailed, newest.lastRun, newest.sentenceCount],
        [null, 0, 0, null, 2],
      );
      const firstImage = (await call("GET", `/api/v1/sentences/${sentenceIds[0]}`)).body.image;
      assert.equal(zip.id, projectId);
      assert.equal(zip.thumbUrl, firstImage.thumbUrl ?? firstImage.url, "the first scene's picture");
      assert.deepEqual([zip.scenesDone, zip.scenesFailed], [2, 1]);
      assert.equal(zip.lastRun.status, "completed");
      assert.equal(zip.lastRun.totalScenes, 1, "the last run regenerated one image");
      assert.equal(typeof zip.lastRun.finishedAt, "string");

      const html = await (await app.request("/")).text();
      const item = html.slice(html.indexOf(`data-project-id="${projectId}"`));
      assert.match(item, new RegExp(`<img src="${zip.thumbUrl.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`));
      assert.match(item, /2 of 3 done<\/span><span class="stat-failed">1 failed<\/span>/);
      assert.match(item, /Last run just now: 1 scene generated/);
      const other = html.slice(html.indexOf(`data-project-id="${empty.projectId}"`));
      assert.match(other, /0 of 2 done<\/span><span class="project-run">Not generated yet/);
    });

    await t.step("pages and JSON are gzipped for clients that take it; others get them plain", async () => {
      for (const path of [`/projects/${projectId}`, "/", `/api/v1/projects/${projectId}`, "/static/styles.css"]) {
        const plain = await app.request(path);
        const plainText = await plain.text();
        assert.equal(plain.headers.get("content-encoding"), null, path);
        const zipped = await app.request(path, { headers: { "accept-encoding": "gzip, deflate, br" } });
        assert.equal(zipped.status, 200, path);
        assert.equal(zipped.headers.get("content-encoding"), "gzip", path);
        assert.match(zipped.headers.get("vary") ?? "", /accept-encoding/i, path);
        const raw = new Uint8Array(await zipped.arrayBuffer());
        const text = new TextDecoder().decode(gunzipSync(raw));
        assert.ok(raw.length < plainText.length / 2, `${path}: ${raw.length} of ${plainText.length} bytes`);
        if (path.startsWith("/api/")) assert.deepEqual(JSON.parse(text), JSON.parse(plainText));
        else assert.equal(text.slice(0, 60), plainText.slice(0, 60));
      }
      // Media files are compressed already, and their byte ranges must stay exact.
      const image = (await call("GET", `/api/v1/sentences/${sentenceIds[1]}`)).body.image.url;
      const media = await app.request(image, { headers: { "accept-encoding": "gzip" } });
      assert.equal(media.headers.get("content-encoding"), null);
      await media.body?.cancel();
    });

    await t.step("the event stream is never compressed or held back", async () => {
      const res = await app.request(`/api/v1/projects/${projectId}/events`, {
        headers: { "accept-encoding": "gzip, deflate, br" },
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-encoding"), null);
      assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
      const reader = res.body!.getReader();
      // The first block comes at once (a compressor would sit on it until it had more).
      const first = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no first block within 5 s")), 5000)),
      ]);
      assert.match(new TextDecoder().decode(first.value), /^retry: 1000\n: connected\n\n/);
      // A change made now arrives as its own event, uncompressed text.
      await call("PATCH", `/api/v1/sentences/${sentenceIds[1]}`, { text: "Scene 2, rewritten." });
      let seen = "";
      while (!seen.includes("event: sentence.updated")) {
        const { value, done } = await reader.read();
        assert.ok(!done, "the stream stayed open");
        seen += new TextDecoder().decode(value);
      }
      assert.match(seen, /"text":"Scene 2, rewritten\."/);
      await reader.cancel();
    });
  } finally {
    await worker.stop();
    await hub.stop();
    await db.drop();
    await removeDataDir(config);
  }
});
