/**
 * Posting the no-JavaScript forms as a browser does: load a page first (it sets the CSRF cookie
 * and renders the token), then send the form with both. For in-process `app.request()` tests.
 */

/** Something with Hono's `request()`. */
export interface Requester {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

/** The CSRF cookie and token a page hands a fresh browser. */
export interface FormCredentials {
  cookie: string;
  token: string;
}

/** Loads `page` (default "/") as a browser without cookies and returns its CSRF cookie and token. */
export async function formCredentials(app: Requester, page = "/", headers: Record<string, string> = {}) {
  const res = await app.request(page, { headers });
  const html = await res.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  if (!token || !cookie.startsWith("studio_csrf=")) throw new Error(`${page} rendered no form token (${res.status})`);
  return { cookie, token } satisfies FormCredentials;
}

/**
 * Posts `fields` as a form to `path` with a valid CSRF token (fetched from `page` unless given).
 *
 * @example
 * const res = await postForm(h.app, "/projects", { title: "T", script: "One." });
 */
export async function postForm(
  app: Requester,
  path: string,
  fields: Record<string, string>,
  options: { credentials?: FormCredentials; headers?: Record<string, string> } = {},
): Promise<Response> {
  const { cookie, token } = options.credentials ?? await formCredentials(app, "/", options.headers);
  const headers = { ...options.headers, cookie: [options.headers?.cookie, cookie].filter(Boolean).join("; ") };
  return await app.request(path, {
    method: "POST",
    headers,
    body: new URLSearchParams({ ...fields, _csrf: token }),
  });
}
