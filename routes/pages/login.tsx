/**
 * `/login` and `/logout` (when STUDIO_TOKEN is set): the login form takes the access token and
 * sets a signed, expiring session cookie (HttpOnly, SameSite=Strict); logout ends the session on
 * the server (core/security/session.ts) and clears the cookie. Wrong tokens count per client
 * address; after too many the form answers 429 until the window has passed.
 */
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { CsrfField } from "../../components/CsrfField.tsx";
import { Layout } from "../../components/Layout.tsx";
import { constantTimeEqual } from "../../core/security/keys.ts";
import type { FailureLimiter } from "../../core/security/limiters.ts";
import type { Sessions } from "../../core/security/session.ts";
import { clientAddress } from "../client_address.ts";
import { SESSION_COOKIE, tooManyAttemptsMessage } from "../middleware/access.ts";
import { renderPage } from "../../islands_runtime/server.tsx";

/** The login form, with an error when the last try failed. */
export function LoginPage(props: { next: string; error?: string }) {
  return (
    <Layout title="Log in">
      <section class="login">
        <h1>Log in</h1>
        <p>This Scene Studio asks for its access token: the value of STUDIO_TOKEN on the server.</p>
        {props.error && <p class="form-error" role="alert">{props.error}</p>}
        <form method="post" action="/login">
          <CsrfField />
          <input type="hidden" name="next" value={props.next} />
          <label>
            Access token
            <input name="token" type="password" required autocomplete="current-password" autofocus />
          </label>
          <button type="submit">Log in</button>
        </form>
      </section>
    </Layout>
  );
}

/** Options of {@link loginPages}. */
export interface LoginOptions {
  token: string | undefined;
  sessions: Sessions;
  failures: FailureLimiter;
  /** Mark cookies Secure (the studio is reached over https). */
  secureCookies: boolean;
}

export function loginPages({ token, sessions, failures, secureCookies }: LoginOptions) {
  const pages = new Hono();
  const page = (c: Context, props: { next: string; error?: string }, status: 200 | 401 | 429 = 200) =>
    c.html(renderPage(<LoginPage {...props} />), status);

  pages.get("/login", (c) => {
    const next = safeNext(c.req.query("next"));
    if (token === undefined || sessions.verify(getCookie(c, SESSION_COOKIE))) return c.redirect(next, 303);
    return page(c, { next });
  });

  pages.post("/login", async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(form.next);
    if (token === undefined) return c.redirect(next, 303);
    const client = clientAddress(c);
    const wait = failures.retryAfterMs(client);
    if (wait > 0) {
      c.header("Retry-After", String(Math.ceil(wait / 1000)));
      return page(c, { next, error: tooManyAttemptsMessage(wait) }, 429);
    }
    if (typeof form.token !== "string" || !constantTimeEqual(form.token.trim(), token)) {
      failures.fail(client);
      return page(c, {
        next,
        error: "That is not the access token. Check the value of STUDIO_TOKEN (or the file STUDIO_TOKEN_FILE names).",
      }, 401);
    }
    failures.succeed(client);
    const { value } = sessions.issue();
    setCookie(c, SESSION_COOKIE, value, {
      httpOnly: true,
      sameSite: "Strict",
      secure: secureCookies || new URL(c.req.url).protocol === "https:",
      path: "/",
      maxAge: Math.floor(sessions.lifetimeMs / 1000),
    });
    return c.redirect(next, 303);
  });

  pages.post("/logout", async (c) => {
    const session = sessions.verify(getCookie(c, SESSION_COOKIE));
    if (session) await sessions.revoke(session);
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.redirect("/login", 303);
  });
  return pages;
}

/**
 * Where to go after logging in: a path of this site only (`/projects/3`), never another site
 * (`//evil.example`, `/\evil.example`, `https://…`); anything else goes home.
 */
export function safeNext(value: unknown): string {
  if (typeof value !== "string" || value.length > 2000) return "/";
  // deno-lint-ignore no-control-regex
  if (!/^\/(?![/\\])/.test(value) || /[\x00-\x1f\x7f\\]/.test(value)) return "/";
  return value;
}
