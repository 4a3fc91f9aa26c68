/**
 * Hostile input, fuzzed: at least 2,000 generated requests (seeded, so every run sends the same
 * ones) across every route of app.ts (route_table.ts), with wrong types, sizes at and past each
 * limit, NUL and lone surrogates, invalid UTF-8, odd ids, prototype keys, broken JSON, forms and
 * multipart, odd content types, methods and headers. For each one:
 *
 * - no 5xx;
 * - an API error is JSON `{error}`, and when one body field was the problem (a 400 for a request
 *   that was otherwise valid) the error names that field (forms: the page's error names it);
 * - a refused request (4xx) leaves the database byte for byte as it was (every table of the app's
 *   schemas and every sequence, tests/helpers/db_fingerprint.ts).
 *
 * The app runs with access control on (requests carry the bearer token unless the case is about
 * it) and an event hub, as on a network.
 */
import assert from "node:assert/strict";
import { changedTables, databaseFingerprint, type Fingerprint } from "../helpers/db_fingerprint.ts";
import { formCredentials } from "../helpers/forms.ts";
import { makeProject } from "../helpers/live.ts";
import { deleteProject } from "../../core/domain/projects.ts";
import { type FieldSpec, ROUTES, type RouteSpec } from "./route_table.ts";
import { securityStudio, TOKEN } from "./studio.ts";

const REQUESTS = 2400;
const SEED = 20261202;

/** mulberry32: a small seeded PRNG, so the fuzz is the same on every run. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    pick<T>(items: readonly T[]): T {
      return items[Math.floor(next() * items.length)];
    },
  };
}

/** What one generated request is, and what it tests. */
interface Case {
  route: RouteSpec;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: BodyInit;
  /** The one body field made hostile (the error must name it), when the rest of the request is valid. */
  field?: string;
  /** Client address (distinct ones for credential cases, so lock-outs stay per case). */
  client: string;
  label: string;
}

const HOSTILE_IDS = [
  "0",
  "-1",
  "00001",
  "1.0",
  "1e3",
  "0x1f",
  "2147483648",
  "99999999999999999999",
  "abc",
  "__proto__",
  "constructor",
  "%00",
  "1%00",
  "%ff",
  "%zz",
  "%F0%9F%8E%AC",
  "1;drop%20table%20projects",
  "..%2f..%2fetc%2fpasswd",
  "%2e%2e",
  "1%2F2",
  "9".repeat(400),
];

const HOSTILE_STRINGS = [
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udc00y",
  "\uffff\ufffe",
  "\ufeffBOM",
  "<script>alert(1)</script>",
  "'; drop table projects; --",
  "\r\n\r\nHTTP/1.1 200 OK",
  "   ",
  "",
  "%s%n${}{{}}",
  "\u202eRTL",
  "🎬".repeat(50),
];

const HOSTILE_VALUES: unknown[] = [
  null,
  0,
  -1,
  1e308,
  true,
  [],
  {},
  ["a"],
  { __proto__: null, polluted: true },
  JSON.parse('{"__proto__": {"polluted": true}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
];

const BROKEN_JSON: (string | Uint8Array<ArrayBuffer>)[] = [
  "",
  "{",
  '{"title":',
  "[]",
  "null",
  "1",
  '"text"',
  "{,}",
  '{"title":"a",}',
  "\ufeff{}",
  "{}\u0000",
  "[".repeat(50_000) + "]".repeat(50_000),
  new Uint8Array([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), // {"t":"<invalid UTF-8>"}
  new Uint8Array([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xc0, 0x80, 0x22, 0x7d]), // overlong NUL
  new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), // UTF-16
  new Uint8Array([0x7b, 0x00, 0x7d]), // raw NUL between tokens
];

const CONTENT_TYPES = [
  "text/plain; application/json",
  "application/json; charset=latin1",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "multipart/form-data; boundary=zz",
  "application/jsonx",
];

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"];

Deno.test({
  name:
    `${REQUESTS} generated hostile requests across every route: no 5xx, JSON errors naming the field, nothing changed`,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const studio = await securityStudio("fuzz", {
      STUDIO_TOKEN: TOKEN,
      RUN_ACTIONS_PER_MINUTE: "10000", // the limit has its own test; here the bodies behind it matter
      SSE_MAX_STREAMS_PER_CLIENT: "1000",
    });
    try {
      // Every route of the app is in the table.
      const registered = studio.app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`);
      const known = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
      assert.deepEqual(registered.filter((r) => !known.has(r)), [], "routes missing from route_table.ts");

      const project = await makeProject(studio.db.sql, 4, "Fuzzed");
      const other = await makeProject(studio.db.sql, 2, "Other");
      const mediaDir = `${studio.config.dataDir}/media`;
      await Deno.mkdir(`${mediaDir}/projects/${project.id}`, { recursive: true });
      await Deno.writeFile(`${mediaDir}/projects/${project.id}/a.png`, new Uint8Array(64));
      await Deno.symlink("/etc/passwd", `${mediaDir}/projects/${project.id}/passwd.png`);
      const bearer = { authorization: `Bearer ${TOKEN}` };
      const form = await formCredentials(
        { request: (p, init) => studio.request(p, init) },
        `/projects/${project.id}`,
        bearer,
      );

      const spare = await makeProject(studio.db.sql, 6, "Spare");
      const sectionOf = async (sentenceId: number) =>
        (await studio.db.sql<{ section_id: number }[]>`select section_id from sentences where id = ${sentenceId}`)[0]
          .section_id;
      const rng = random(SEED);
      const cases = Array.from({ length: REQUESTS }, (_, i) => i).map(() => null);
      const ctx: Context = {
        projectId: project.id,
        sentenceId: project.sentenceIds[0],
        sectionId: await sectionOf(project.sentenceIds[0]),
        otherSentenceId: other.sentenceIds[0],
        spare: {
          projectId: spare.id,
          sentenceId: spare.sentenceIds[0],
          sectionId: await sectionOf(spare.sentenceIds[0]),
        },
        form,
      };
      const generated = cases.map((_, i) => generate(ROUTES[i % ROUTES.length], i, rng, ctx));

      let before: Fingerprint = await databaseFingerprint(studio.db.sql);
      const statuses = new Map<number, number>();
      const failures: string[] = [];
      const started = performance.now();
      for (const c of generated) {
        let res: Response;
        try {
          res = await studio.request(c.path, { method: c.method, headers: c.headers, body: c.body }, c.client);
        } catch (err) {
          failures.push(`${c.label}: the app threw ${err}`);
          continue;
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const type = res.headers.get("content-type") ?? "";
        const text = c.route.stream && res.status === 200
          ? (await res.body?.cancel(), "")
          : c.method === "HEAD"
          ? ""
          : await res.text();
        if (res.status >= 500) failures.push(`${c.label}: ${res.status} ${text.slice(0, 200)}`);
        if (res.status >= 400 && c.path.startsWith("/api/") && c.method !== "HEAD") {
          let error: unknown;
          try {
            error = JSON.parse(text).error;
          } catch { /* not JSON */ }
          if (typeof error !== "string" || !type.startsWith("application/json")) {
            failures.push(`${c.label}: ${res.status} is not a JSON error: ${text.slice(0, 120)}`);
          }
        }
        if (c.field && res.status === 400) {
          const named = c.route.body === "json"
            ? JSON.stringify(JSON.parse(text).issues ?? JSON.parse(text).error)
            : text.replace(/<[^>]+>/g, " ");
          if (!named.includes(c.field) && !named.includes(JSON.stringify(c.field).slice(1, -1))) {
            failures.push(`${c.label}: the error does not name ${c.field}: ${named.slice(0, 200)}`);
          }
        }
        if (res.status < 400 && /^(POST \/api\/v1\/projects|POST \/projects)$/.test(`${c.method} ${c.route.path}`)) {
          // A 2,000,000-character script imported: drop it, or every later fingerprint reads it. Through
          // the app's own deletion: a run the fuzz started on it is cancelled first (a bare delete
          // would leave its queued parts without their run).
          const big = await studio.db.sql<{ id: number }[]>`select p.id from projects p
            where (select count(*) from sentences s where s.project_id = p.id) > 100`;
          for (const { id } of big) await deleteProject(studio.db.sql, id);
        }
        const after = await databaseFingerprint(studio.db.sql);
        if (res.status >= 400) {
          const changed = changedTables(before, after);
          if (changed.length) failures.push(`${c.label}: refused with ${res.status} but changed ${changed.join(", ")}`);
        }
        before = after;
      }
      const seconds = (performance.now() - started) / 1000;
      const fivexx = [...statuses].filter(([s]) => s >= 500).reduce((n, [, k]) => n + k, 0);
      console.log(
        `fuzz: ${generated.length} requests in ${seconds.toFixed(1)} s, ${fivexx} 5xx; statuses ${
          JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))
        }`,
      );
      assert.deepEqual(failures.slice(0, 30), [], `${failures.length} problems`);
      assert.ok(generated.length >= 2000);
      assert.ok((statuses.get(400) ?? 0) > 200, "plenty of requests reached the field checks");
    } finally {
      await studio.close();
    }
  },
});

interface Context {
  projectId: number;
  sentenceId: number;
  sectionId: number;
  otherSentenceId: number;
  /** A spare project's ids, for valid requests to destructive routes. */
  spare: { projectId: number; sentenceId: number; sectionId: number };
  form: { cookie: string; token: string };
}

/** Scripts of 2,000,000 characters and more cost a real import each: only this many. */
let bigScripts = 4;

/** One hostile request for `route`. */
function generate(route: RouteSpec, i: number, rng: ReturnType<typeof random>, ctx: Context): Case {
  const client = `10.${(i >> 8) & 255}.${i & 255}.7`;
  const ids = route.destructive ? ctx.spare : ctx;
  const validId = route.id === "sentence"
    ? ids.sentenceId
    : route.id === "section"
    ? ids.sectionId
    : route.id === "project"
    ? ids.projectId
    : 1;
  let idText = String(validId);
  let query = "";
  let method = route.method;
  const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` };
  let body: BodyInit | undefined;
  let field: string | undefined;
  let label: string;

  const fields = route.fields ?? {};
  const names = Object.keys(fields);
  const validBody = (): Record<string, unknown> =>
    Object.fromEntries(names.filter((n) => n !== "token").map((n) => [n, validValue(fields[n])]));
  const kinds = route.body === "none"
    ? [route.id ? "id" : "query", "id", "method", "headers", "query", "valid", "junk-body", "auth"]
    : names.length === 0
    ? ["body", "type", "auth", "valid", "headers", "method"]
    : ["field", "field", "field", "field", "limit", "body", "type", "extra-key", "auth", "valid"];
  if (route.id && route.body !== "none") kinds.push("id");
  const kind = rng.pick(kinds.map((k) => (k === "id" && !route.id ? "query" : k)));

  /** Sets a field to `value` on an otherwise valid body; the error must name it if it breaks the rule. */
  const withField = (name: string, value: unknown) => {
    const sent = route.body === "form" && typeof value !== "string" && value !== undefined
      ? JSON.stringify(value) // what a form can carry: text
      : value;
    body = encode(route, { ...validBody(), [name]: sent }, headers, ctx);
    if (breaksRule(fields[name], sent)) field = name;
  };

  switch (kind) {
    case "id":
      idText = rng.pick([...HOSTILE_IDS, String(route.id === "sentence" ? ctx.otherSentenceId : 424242)]);
      if (route.body !== "none") body = encode(route, validBody(), headers, ctx);
      label = `id ${idText}`;
      break;
    case "method":
      method = rng.pick(METHODS.filter((m) => m !== route.method));
      label = `method ${method}`;
      break;
    case "auth": {
      const bad = rng.pick([undefined, "Bearer wrong-token-0000000000", "Basic dGVzdDp0ZXN0", "Bearer", "bearer  x"]);
      if (bad === undefined) delete headers.authorization;
      else headers.authorization = bad;
      if (route.body !== "none") body = encode(route, validBody(), headers, ctx);
      label = `authorization ${bad ?? "none"}`;
      break;
    }
    case "headers": {
      const [name, value] = rng.pick([
        ["origin", "https://evil.example"],
        ["origin", "null"],
        ["host", "evil.example"],
        ["host", "127.0.0.1.evil.example:8000"],
        ["sec-fetch-site", "cross-site"],
        ["last-event-id", rng.pick(["-1", "abc", "9".repeat(30), "1e5", " ", "0x10", "99999999999999"])],
        [
          "range",
          rng.pick(["bytes=0-", "bytes=-0", "bytes=5-1", "bytes=99999999999999999999-", "bytes=0-1,2-3", "x=0-1"]),
        ],
        ["content-length", "0"],
        [
          "cookie",
          `studio_session=v1.${"A".repeat(24)}.9999999999999.${"A".repeat(43)}; studio_csrf=${"B".repeat(30)}`,
        ],
      ]);
      headers[name] = value;
      if (route.body !== "none") body = encode(route, validBody(), headers, ctx);
      label = `header ${name}: ${value.slice(0, 40)}`;
      break;
    }
    case "query":
      query = rng.pick([
        `lastEventId=${rng.pick(["-5", "abc", "%00", "9".repeat(40), "1.5", ""])}`,
        `next=${rng.pick(["//evil.example", "/%0d%0aSet-Cookie:x=1", "https://evil.example", "/\\evil", "/%00"])}`,
        "x=%zz",
        "__proto__[polluted]=1",
        "a".repeat(8000) + "=1",
      ]);
      label = `query ${query.slice(0, 40)}`;
      break;
    case "junk-body":
      headers["content-type"] = rng.pick(CONTENT_TYPES);
      body = rng.pick(BROKEN_JSON);
      label = `a body on a bodiless route (${headers["content-type"]})`;
      break;
    case "field": {
      const name = rng.pick(names);
      const value = rng.next() < 0.55 ? rng.pick(HOSTILE_STRINGS) : rng.pick(HOSTILE_VALUES);
      withField(name, value);
      label = `${name} = ${JSON.stringify(value)?.slice(0, 40)}`;
      break;
    }
    case "limit": {
      const name = rng.pick(names);
      const spec = fields[name];
      const past = rng.next() < 0.6;
      let value: unknown;
      if (spec.kind === "text") {
        const huge = spec.max >= 100_000;
        if (huge && bigScripts-- <= 0) value = "One sentence. ".repeat(50); // the budget is spent
        else value = "word ".repeat(Math.ceil((spec.max + 1) / 5)).slice(0, spec.max + (past ? 1 : 0));
      } else if (spec.kind === "ids") {
        value = Array.from({ length: spec.max + (past ? 1 : 0) }, (_, k) => k + 1);
      } else if (spec.kind === "number") {
        value = rng.pick(past ? [spec.max + 1, spec.min - 1, spec.max + 0.5, -0, 2 ** 53] : [spec.max, spec.min]);
      } else if (spec.kind === "choices") {
        value = past ? [...spec.choices, spec.choices[0]] : [...spec.choices];
      } else value = rng.pick(["16:9 ", "16/9", "9:16\u0000", "4:3", "9:16"]);
      withField(name, value);
      label = `${name} at/past its limit (${typeof value === "string" ? value.length : JSON.stringify(value).length})`;
      break;
    }
    case "body":
      if (route.body === "json") {
        headers["content-type"] = "application/json";
        body = rng.pick(BROKEN_JSON);
      } else {
        headers.cookie = ctx.form.cookie;
        headers["content-type"] = rng.pick([
          "multipart/form-data",
          "multipart/form-data; boundary=zz",
          "application/x-www-form-urlencoded",
        ]);
        body = rng.pick([
          '--zz\r\nContent-Disposition: form-data; name="title"\r\n\r\nx',
          "%zz=%%&_csrf=%",
          "garbage",
          "",
        ]);
      }
      label = `broken ${route.body} body`;
      break;
    case "type":
      body = route.body === "json" ? JSON.stringify(validBody()) : encode(route, validBody(), headers, ctx).toString();
      headers["content-type"] = rng.pick(CONTENT_TYPES);
      label = `content type ${headers["content-type"]}`;
      break;
    case "extra-key": {
      const key = rng.pick(["__proto__", "constructor", "prototype", "toString", "unknown", "title\u0000"]);
      const values = { ...validBody(), [key]: rng.pick(HOSTILE_VALUES) };
      if (route.body === "json") {
        body = `{${
          Object.entries(values).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? "null"}`).join(",")
        }}`;
        headers["content-type"] = "application/json";
        field = key; // an unknown key in a strict body: the error names it
      } else body = encode(route, values, headers, ctx);
      label = `extra key ${JSON.stringify(key)}`;
      break;
    }
    default: // "valid": a well-formed request, so later ones meet real state
      if (route.body !== "none") body = encode(route, validBody(), headers, ctx);
      label = "valid";
  }

  let path = route.path.replace(":id", idText);
  if (route.path === "/media/*") {
    path = `/media/${
      rng.pick([
        `projects/${ctx.projectId}/a.png`,
        `projects/${ctx.projectId}/passwd.png`,
        "..%2f..%2fetc%2fpasswd",
        "%2e%2e/%2e%2e/etc/passwd.png",
        "projects/%00.png",
        "projects/" + "a".repeat(5000) + ".png",
        "projects/x.exe",
        "%ff%fe.png",
        "projects",
      ])
    }`;
  } else if (route.path === "/static/*") {
    path = `/static/${
      rng.pick(["styles.css", "../deno.json", "%2e%2e/deno.json", ".hidden", "a%5Cb", "%00", "build/../../main.ts"])
    }`;
  }
  if (query) path += `?${query}`;
  if (route.path === "/login" || route.path === "/logout") delete headers.authorization;
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") body = undefined;
  if (method !== route.method) field = undefined;
  return {
    route,
    method,
    path,
    headers,
    body,
    field,
    client,
    label: `#${i} ${method} ${path.slice(0, 60)} [${label}]`,
  };
}

function validValue(spec: FieldSpec): unknown {
  if (spec.kind === "ids") return undefined;
  return spec.valid;
}

/** Whether `value` breaks a number's or a list's rule. */
function breaksNumberOrList(spec: FieldSpec & { kind: "number" | "choices" }, value: unknown): boolean {
  if (value === undefined) return spec.required;
  if (spec.kind === "number") {
    return typeof value !== "number" || !Number.isFinite(value) || value < spec.min || value > spec.max ||
      (spec.integer && !Number.isInteger(value));
  }
  return !Array.isArray(value) || value.length === 0 || value.length > spec.max ||
    new Set(value).size !== value.length || value.some((v) => !spec.choices.includes(v as string));
}

/** Whether `value` breaks the field's rule, so a 400 must name the field. */
function breaksRule(spec: FieldSpec, value: unknown): boolean {
  if (spec.kind === "ids") {
    if (value === undefined) return false;
    if (!Array.isArray(value) || value.length > spec.max || value.length === 0) return true;
    return value.some((v) => !Number.isInteger(v) || v < 1 || v > 2_147_483_647);
  }
  if (spec.kind === "number" || spec.kind === "choices") return breaksNumberOrList(spec, value);
  if (value === null && spec.kind === "text" && spec.nullable) return false;
  if (typeof value !== "string") return value !== undefined || spec.required;
  if (value.includes("\u0000")) return true;
  if (spec.kind === "choice") return !spec.choices.includes(value);
  if (value.length > spec.max) return true;
  return spec.required && (spec.trims ? value.trim() : value).trim() === "";
}

/** The body for `values`: JSON for the API, a form with the CSRF token for pages. */
function encode(route: RouteSpec, values: Record<string, unknown>, headers: Record<string, string>, ctx: Context) {
  if (route.body === "json") {
    headers["content-type"] = "application/json";
    return JSON.stringify(values);
  }
  headers.cookie = ctx.form.cookie;
  const params = new URLSearchParams({ _csrf: ctx.form.token });
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined) params.append(k, typeof v === "string" ? v : JSON.stringify(v));
  }
  return params;
}

Deno.test({
  name: "U+0000 in any text field gets 400 naming the field; broken bodies get 400; nothing is written",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const studio = await securityStudio("nul");
    const app = { request: (path: string, init?: RequestInit) => studio.request(path, init) };
    try {
      const project = await makeProject(studio.db.sql, 2);
      const sentence = project.sentenceIds[0];
      const form = await formCredentials(app, `/projects/${project.id}`);
      const json = (body: Record<string, unknown>) => ({
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const formBody = (fields: Record<string, string>) => ({
        headers: { cookie: form.cookie },
        body: new URLSearchParams({ ...fields, _csrf: form.token }),
      });
      const cases: [label: string, method: string, path: string, init: RequestInit, field?: string][] = [
        ["API title", "POST", "/api/v1/projects", json({ title: "A\u0000", script: "One." }), "title"],
        ["API script", "POST", "/api/v1/projects", json({ title: "A", script: "One.\u0000 Two." }), "script"],
        ["API image prompt", "PATCH", `/api/v1/sentences/${sentence}`, json({ imagePrompt: "\u0000" }), "imagePrompt"],
        ["API video prompt", "PATCH", `/api/v1/sentences/${sentence}`, json({ videoPrompt: "x\u0000" }), "videoPrompt"],
        ["form title", "POST", "/projects", formBody({ title: "A\u0000", script: "One." }), "title"],
        ["form script", "POST", "/projects", formBody({ title: "A", script: "\u0000One." }), "script"],
        [
          "form image prompt",
          "POST",
          `/sentences/${sentence}/prompts`,
          formBody({ imagePrompt: "a\u0000" }),
          "imagePrompt",
        ],
        [
          "form video prompt",
          "POST",
          `/sentences/${sentence}/prompts`,
          formBody({ videoPrompt: "\u0000" }),
          "videoPrompt",
        ],
        ["multipart without a boundary", "POST", "/projects", {
          headers: { cookie: form.cookie, "content-type": "multipart/form-data" },
          body: "--x\r\nContent-Disposition: form-data; name=title\r\n\r\nA\r\n--x--",
        }],
        ["multipart with a wrong boundary", "POST", "/projects", {
          headers: { cookie: form.cookie, "content-type": "multipart/form-data; boundary=y" },
          body: "--x\r\n\r\n--x--",
        }],
        ["cut-off JSON", "POST", "/api/v1/projects", {
          headers: { "content-type": "application/json" },
          body: '{"title":"A',
        }],
        ["invalid UTF-8", "POST", "/api/v1/projects", {
          headers: { "content-type": "application/json" },
          body: new Uint8Array([0x7b, 0x22, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
        }],
        ["retry with a cut-off body", "POST", `/api/v1/projects/${project.id}/retry-failed-scenes`, {
          headers: { "content-type": "application/json" },
          body: '{"sentenceIds":[1,',
        }],
      ];
      for (const [label, method, path, init, field] of cases) {
        const before = await databaseFingerprint(studio.db.sql);
        const res = await studio.request(path, { method, ...init });
        const text = await res.text();
        assert.equal(res.status, 400, `${label}: ${text.slice(0, 200)}`);
        if (field && path.startsWith("/api/")) {
          const body = JSON.parse(text);
          assert.ok(body.issues.some((i: { path: string }) => i.path === field), `${label}: ${text}`);
          assert.match(body.error, new RegExp(`${field} must not contain the NUL character \\(U\\+0000\\)`));
        } else if (field) {
          assert.match(text, new RegExp(`${field} must not contain the NUL character`), label);
        }
        assert.deepEqual(await databaseFingerprint(studio.db.sql), before, `${label} wrote nothing`);
      }
    } finally {
      await studio.close();
    }
  },
});
