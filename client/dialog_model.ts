/**
 * The failure details dialog: open or closed (the toolbar and the toast open it, the dialog closes
 * it), and where the focus goes back when it closes — the button that opened it, if that is still
 * on the page (a toast's button may have gone meanwhile).
 */
import { type ReadonlySignal, signal } from "@preact/signals";

/** An element focus can return to (a DOM element fits). */
export interface Focusable {
  readonly isConnected: boolean;
  focus(): void;
}

/** The failure details dialog's state; see the module doc. */
export interface DialogModel {
  readonly open: ReadonlySignal<boolean>;
  /** Opens the dialog; focus returns to `opener` when it closes. */
  show(opener: Focusable | null): void;
  close(): void;
  /** The opener, once, if it is still on the page (else null: the caller picks a fallback). */
  takeOpener(): Focusable | null;
}

/**
 * The page's dialog state (see the module doc).
 *
 * @example
 * <button onClick={(e) => dialog.show(e.currentTarget)}>3 failed — details</button>
 */
export function createDialogModel(): DialogModel {
  const open = signal(false);
  let opener: Focusable | null = null;
  return {
    open,
    show(from) {
      opener = from;
      open.value = true;
    },
    close: () => (open.value = false),
    takeOpener() {
      const taken = opener;
      opener = null;
      return taken?.isConnected ? taken : null;
    },
  };
}
