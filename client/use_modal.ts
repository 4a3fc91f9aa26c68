/**
 * `useModal(open)`: the ref of a native <dialog> shown as a modal while `open` (focus moves into
 * it, Esc closes it, the page behind is inert) and closed when not. The dialog's `close` event is
 * where its island returns the focus.
 */
import { type RefObject } from "preact";
import { useEffect, useRef } from "preact/hooks";

/** A ref for a <dialog> that is open as a modal exactly while `open`. */
export function useModal(open: boolean): RefObject<HTMLDialogElement | null> {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    else if (!open && dialog.open) dialog.close();
  }, [open]);
  return ref;
}
