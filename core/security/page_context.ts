/**
 * What server-rendered components may know about the request that renders them, without every
 * page passing it down: the form's CSRF token and whether the visitor is signed in (to show a
 * "Log out" button). Set by routes/middleware/page_context.ts for each
 * request (AsyncLocalStorage, so concurrent requests never mix); empty outside a request (unit
 * renders, benchmarks).
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** The request's view for components; the middlewares fill it in as they run. */
export interface PageContext {
  /** True when the request carries a valid session (access control on, visitor signed in). */
  signedIn: boolean;
  /** The CSRF token for a form on this page (sets the browser's CSRF cookie when it has none). */
  csrfToken(): string;
}

const storage = new AsyncLocalStorage<PageContext>();

/** Runs `fn` (the rest of the request) with `context` visible to {@link currentPageContext}. */
export function runWithPageContext<T>(context: PageContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The context of the request being handled, or undefined outside one. */
export function currentPageContext(): PageContext | undefined {
  return storage.getStore();
}
