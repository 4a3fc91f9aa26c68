/**
 * Opens the request's {@link PageContext} (core/security/page_context.ts) for the middlewares
 * after it to fill in and for server components to read: the CSRF token and the sign-in state.
 */
import type { MiddlewareHandler } from "hono";
import { type PageContext, runWithPageContext } from "../../core/security/page_context.ts";

/** The context each request starts with; access control and CSRF fill it in. */
export function pageContext(): MiddlewareHandler {
  return async function pageContext(_c, next) {
    const context: PageContext = {
      signedIn: false,
      csrfToken: () => "",
    };
    await runWithPageContext(context, next);
  };
}
