/**
 * A modal dialog on the native <dialog> element: the browser gives it the dialog role, traps focus inside,
 * makes the page behind inert and closes on Escape, which here asks `onCancel` (a dialog may refuse, as the
 * new-key dialog does until its secret is copied or its loss confirmed).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

export function Dialog(props: { title: string; onCancel: () => void; children: ComponentChildren; className?: string; role?: 'dialog' | 'alertdialog' }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current!;
    if (!dialog.open) dialog.showModal();
    return () => dialog.close();
  }, []);
  return (
    <dialog
      ref={ref}
      class={props.className ?? 'dialog'}
      role={props.role}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}
