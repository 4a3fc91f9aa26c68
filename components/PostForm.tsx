import type { ComponentChildren } from "preact";
import { CsrfField } from "./CsrfField.tsx";

/**
 * A plain HTML form that POSTs to a page route (it works without JavaScript): every editing form
 * of the storyboard is one, so what each such form must carry (a CSRF token, say) is added here
 * once.
 */
export function PostForm(
  props: { action: string; class?: string; "data-testid"?: string; children: ComponentChildren },
) {
  return (
    <form method="post" action={props.action} class={props.class} data-testid={props["data-testid"]}>
      <CsrfField />
      {props.children}
    </form>
  );
}
