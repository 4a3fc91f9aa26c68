import { CSRF_FIELD } from "../core/security/csrf.ts";
import { currentPageContext } from "../core/security/page_context.ts";

/**
 * The hidden CSRF token every form that POSTs to the app must hold (routes/middleware/csrf.ts
 * refuses a form without it). Put it first inside the `<form>`:
 *
 * @example
 * <form method="post" action="/projects"><CsrfField />…</form>
 */
export function CsrfField() {
  return <input type="hidden" name={CSRF_FIELD} value={currentPageContext()?.csrfToken() ?? ""} />;
}
