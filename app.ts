/**
 * Builds the Hono app from its dependencies. No globals: tests build an app on their own database
 * and call `app.request()` in process; main.ts serves the same app with Deno.serve.
 */
import { Hono } from "hono";
import type { AppDeps } from "./routes/deps.ts";
import { bodyLimit } from "hono/body-limit";
import { compress } from "hono/compress";
import { join } from "node:path";
import { ErrorPage } from "./components/ErrorPage.tsx";
import { eventsApi } from "./routes/api/events.ts";
import { mediaZipApi } from "./routes/api/media_zip.ts";
import { projectsApi } from "./routes/api/projects.ts";
import { sceneRunsApi } from "./routes/api/scene_runs.ts";
import { sectionsApi } from "./routes/api/sections.ts";
import { sentencesApi } from "./routes/api/sentences.ts";
import { errorToJson } from "./routes/http.ts";
import { serveMedia } from "./routes/media.ts";
import { homePages } from "./routes/pages/home.tsx";
import { storyboardPages } from "./routes/pages/storyboard.tsx";
import { storyboardForms } from "./routes/pages/storyboard_forms.tsx";
import { sceneEditPages } from "./routes/pages/scene_edit.tsx";
import { renderPage } from "./islands_runtime/server.tsx";
import { staticFiles } from "./islands_runtime/static.ts";

/** The largest request body accepted (a 2,000,000-character script plus JSON overhead). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  // Pages and JSON go out gzipped to browsers that take it. Hono's compress leaves alone what must
  // not be transformed or buffered: the event stream (text/event-stream, and no-transform), media
  // (already compressed types), byte ranges, and the bundle, which is served pre-gzipped.
  app.use(compress());
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json({ error: `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.` }, 413),
    }),
  );

  app.route("/api/v1/projects", projectsApi(deps));
  app.route("/api/v1/projects", sceneRunsApi(deps));
  app.route("/api/v1/projects", eventsApi(deps));
  app.route("/api/v1/projects", mediaZipApi(deps));
  app.route("/api/v1/sentences", sentencesApi(deps));
  app.route("/api/v1/sections", sectionsApi(deps));
  app.get("/healthz", (c) => c.json({ ok: true }));
  app.on(["GET", "HEAD"], "/media/*", serveMedia(join(deps.config.dataDir, "media")));
  app.use("/static/*", staticFiles());
  app.route("/", homePages(deps));
  app.route("/", storyboardPages(deps));
  app.route("/", storyboardForms(deps));
  app.route("/", sceneEditPages(deps));

  app.notFound((c) => {
    if (c.req.path.startsWith("/api/")) {
      return c.json({ error: `There is no API route ${c.req.method} ${c.req.path}.` }, 404);
    }
    return c.html(renderPage(ErrorPage({ status: 404, message: "There is no page at this address." })), 404);
  });

  app.onError((err, c) => {
    const { status, body } = errorToJson(err);
    if (status >= 500) console.error(`${c.req.method} ${c.req.path} failed:`, err);
    if (c.req.path.startsWith("/api/")) return c.json(body, status);
    return c.html(renderPage(ErrorPage({ status, message: String(body.error) })), status);
  });

  return app;
}
