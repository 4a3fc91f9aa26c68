/**
 * Builds the Hono app from its dependencies. No globals: tests build an app on their own database
 * and call `app.request()` in process; main.ts serves the same app with Deno.serve.
 */
import { Hono, type MiddlewareHandler } from "hono";
import type { AppDeps } from "./routes/deps.ts";
import { compress } from "hono/compress";
import { join } from "node:path";
import { loadKeys } from "./core/security/keys.ts";
import { FailureLimiter } from "./core/security/limiters.ts";
import { Sessions } from "./core/security/session.ts";
import { accessControl } from "./routes/middleware/access.ts";
import { bodyTimeout } from "./routes/middleware/body_timeout.ts";
import { csrfProtection } from "./routes/middleware/csrf.ts";
import { formBody } from "./routes/middleware/form_body.ts";
import { hostCheck } from "./routes/middleware/host_check.ts";
import { jsonOnly } from "./routes/middleware/json_only.ts";
import { pageContext } from "./routes/middleware/page_context.ts";
import { runActionLimit } from "./routes/middleware/run_action_limit.ts";
import { sameOrigin } from "./routes/middleware/same_origin.ts";
import { securityHeaders } from "./routes/middleware/security_headers.ts";
import { sseLimit } from "./routes/middleware/sse_limit.ts";
import { loginPages } from "./routes/pages/login.tsx";
import { ErrorPage } from "./components/ErrorPage.tsx";
import { eventsApi } from "./routes/api/events.ts";
import { mediaZipApi } from "./routes/api/media_zip.ts";
import { projectsApi } from "./routes/api/projects.ts";
import { promptJobsApi, writePromptsApi } from "./routes/api/prompt_jobs.ts";
import { sceneRunsApi } from "./routes/api/scene_runs.ts";
import { sceneSearchApi } from "./routes/api/scene_search.ts";
import { providersFromConfig } from "./providers/from_config.ts";
import { sectionsApi } from "./routes/api/sections.ts";
import { statusApi } from "./routes/api/status.ts";
import { sentencesApi } from "./routes/api/sentences.ts";
import { narrationUploadsApi, RECORDING_PATH } from "./routes/api/narration_uploads.ts";
import { exportsApi } from "./routes/api/exports.ts";
import { errorToJson } from "./routes/http.ts";
import { log } from "./core/system/log.ts";
import { serveMedia } from "./routes/media.ts";
import { readyz } from "./routes/readyz.ts";
import { metrics, METRICS_PATH } from "./routes/metrics.ts";
import { homePages } from "./routes/pages/home.tsx";
import { storyboardPages } from "./routes/pages/storyboard.tsx";
import { storyboardForms } from "./routes/pages/storyboard_forms.tsx";
import { sceneEditPages } from "./routes/pages/scene_edit.tsx";
import { renderPage } from "./islands_runtime/server.tsx";
import { staticFiles } from "./islands_runtime/static.ts";

/** The largest request body accepted (a 2,000,000-character script plus JSON overhead). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Wrong access tokens one client address may send per window before it must wait. */
const LOGIN_FAILURES = { max: 10, windowMs: 15 * 60_000 };

export function createApp(given: AppDeps): Hono {
  const deps: AppDeps = { ...given, providers: given.providers ?? providersFromConfig(given.config) };
  const { config } = deps;
  const app = new Hono();
  const token = config.accessToken;
  const keys = loadKeys(config.dataDir, token);
  const sessions = new Sessions(keys.session, config.sessionDays * 86_400_000, config.dataDir);
  const failures = new FailureLimiter(LOGIN_FAILURES.max, LOGIN_FAILURES.windowMs);
  const secureCookies = config.publicOrigin?.startsWith("https:") ?? false;
  const publicHost = config.publicOrigin ? [new URL(config.publicOrigin).hostname] : [];

  // Pages and JSON go out gzipped to browsers that take it. Hono's compress leaves alone what must
  // not be transformed or buffered: the event stream (text/event-stream, and no-transform), media
  // (already compressed types), byte ranges, and the bundle, which is served pre-gzipped.
  app.use(compress());
  // In this order (routes/middleware/*.ts): headers on every answer, then refuse foreign hosts,
  // other sites and strangers before any body is read; then read the body (with a deadline),
  // check forms' CSRF tokens and the API's JSON type, then the limits of particular routes.
  app.use(securityHeaders());
  app.use(hostCheck({ allowedHosts: [...config.allowedHosts, ...publicHost] }));
  app.use(pageContext());
  app.use(sameOrigin({ publicOrigin: config.publicOrigin, trustedOrigins: config.trustedOrigins }));
  // With METRICS_TOKEN, /metrics checks that token itself (routes/metrics.ts).
  app.use(accessControl({ token, sessions, failures, selfChecked: config.metricsToken ? METRICS_PATH : undefined }));
  // Recordings (narration uploads) are streamed to disk by their route, under its own size limit
  // and checks (routes/api/narration_uploads.ts): neither buffered here nor held to JSON.
  const exceptRecordings = (middleware: MiddlewareHandler): MiddlewareHandler => (c, next) =>
    RECORDING_PATH.test(c.req.path) ? next() : middleware(c, next);
  app.use(exceptRecordings(bodyTimeout({ timeoutMs: config.bodyTimeoutMs, maxBytes: MAX_BODY_BYTES })));
  app.use(formBody());
  app.use(csrfProtection({ key: keys.csrf, secureCookies }));
  app.use("/api/*", exceptRecordings(jsonOnly()));
  app.use(runActionLimit({ perMinute: config.runActionsPerMinute }));
  app.use(
    "/api/v1/projects/:id/events",
    sseLimit({ total: config.sseMaxStreams, perClient: config.sseMaxStreamsPerClient }),
  );

  app.route("/api/v1/projects", projectsApi(deps));
  app.route("/api/v1/projects", sceneRunsApi(deps));
  app.route("/api/v1/projects", eventsApi(deps));
  app.route("/api/v1/projects", mediaZipApi(deps));
  app.route("/api/v1/projects", sceneSearchApi(deps));
  app.route("/api/v1/sentences", sentencesApi(deps));
  app.route("/api/v1/sections", sectionsApi(deps));
  app.route("/api/v1/status", statusApi(deps));
  app.route("/api/v1", narrationUploadsApi(deps));
  app.route("/api/v1", exportsApi(deps));
  app.route("/api/v1/projects", writePromptsApi(deps));
  app.route("/api/v1/prompt-jobs", promptJobsApi(deps));
  app.get("/healthz", (c) => c.json({ ok: true }));
  app.get("/readyz", readyz(deps));
  app.get("/metrics", metrics(deps, failures));
  app.on(["GET", "HEAD"], "/media/*", serveMedia(join(deps.config.dataDir, "media")));
  app.use("/static/*", staticFiles());
  app.route("/", loginPages({ token, sessions, failures, secureCookies }));
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
    const where = { method: c.req.method, path: c.req.path, status };
    if (status === 503) log.error(`${c.req.method} ${c.req.path} failed: ${String(body.error)}`, where);
    else if (status >= 500) {
      log.error(`${c.req.method} ${c.req.path} failed: ${err.stack ?? err.message}`, { ...where, error: err.message });
    }
    if (c.req.path.startsWith("/api/")) return c.json(body, status);
    return c.html(renderPage(ErrorPage({ status, message: String(body.error) })), status);
  });

  return app;
}
