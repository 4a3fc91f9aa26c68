/** The head of a page dialog: its title (what labels the dialog) and a Close button. */
export function DialogHead(props: { id: string; title: string; onClose: () => void }) {
  return (
    <header class="dialog-head">
      <h2 id={props.id}>{props.title}</h2>
      <button type="button" class="dialog-close" aria-label="Close" onClick={props.onClose}>×</button>
    </header>
  );
}
