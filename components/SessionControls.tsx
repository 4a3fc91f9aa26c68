import { currentPageContext } from "../core/security/page_context.ts";
import { CsrfField } from "./CsrfField.tsx";

/** "Log out" in the site header, when access control is on and the visitor is signed in. */
export function SessionControls() {
  if (!currentPageContext()?.signedIn) return null;
  return (
    <form method="post" action="/logout" class="logout-form">
      <CsrfField />
      <button type="submit" class="link-button">Log out</button>
    </form>
  );
}
