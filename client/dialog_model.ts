/**
 * A page dialog's state: what it shows (null: closed) — `true` for the failure details, a scene
 * part for the viewer or the takes — and where the focus goes back when it closes: the element that
 * opened it, if that is still on the page (a toast's button may have gone meanwhile).
 */
import { type ReadonlySignal, signal } from "@preact/signals";

/** An element focus can return to (a DOM element fits). */
export interface Focusable {
  readonly isConnected: boolean;
  focus(): void;
}

/** A dialog's state; see the module doc. */
export interface DialogModel<T = true> {
  /** What the dialog shows, or null while it is closed. */
  readonly open: ReadonlySignal<T | null>;
  /** Opens the dialog on `value`; focus returns to `opener` when it closes. */
  show(opener: Focusable | null, value?: T): void;
  /** Shows something else in the open dialog (the opener stays). */
  retarget(value: T): void;
  close(): void;
  /** The opener, once, if it is still on the page (else null: the caller picks a fallback). */
  takeOpener(): Focusable | null;
}

/**
 * A dialog's state (see the module doc).
 *
 * @example
 * <button onClick={(e) => dialog.show(e.currentTarget)}>3 failed — details</button>
 * <button onClick={(e) => viewer.show(e.currentTarget, { sentenceId: 11, part: "image" })}>…</button>
 */
export function createDialogModel<T = true>(): DialogModel<T> {
  const open = signal<T | null>(null);
  let opener: Focusable | null = null;
  return {
    open,
    show(from, value = true as T) {
      opener = from;
      open.value = value;
    },
    retarget(value) {
      if (open.peek() !== null) open.value = value;
    },
    close: () => (open.value = null),
    takeOpener() {
      const taken = opener;
      opener = null;
      return taken?.isConnected ? taken : null;
    },
  };
}
