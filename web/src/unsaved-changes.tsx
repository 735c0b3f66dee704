import { useEffect, useId, useRef, useSyncExternalStore } from 'react';
import { setNavigationGuard } from './router';

/**
 * Editing that does not lose work: while an editor holds unsaved changes, leaving it —
 * a link in the app, the browser's Back or Forward, closing or reloading the tab — asks
 * first. In the app a dialog asks (keyboard: it takes the focus, Escape stays; staying
 * after Back puts the editor's address back); the browser asks for the tab
 * (`beforeunload`).
 */
const dirty = new Set<symbol>();
/** The navigation held while the dialog asks: going on with it is `leave`. */
let pending: { readonly to: string; readonly leave: () => void } | null = null;
const listeners = new Set<() => void>();
const emit = () => {
  for (const listener of listeners) listener();
};

setNavigationGuard((to, leave) => {
  if (dirty.size === 0) return true;
  pending = { to, leave };
  emit();
  return false;
});

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function onBeforeUnload(event: BeforeUnloadEvent): void {
  event.preventDefault();
  // Older browsers ask only when returnValue is set.
  event.returnValue = '';
}

/**
 * Marks the calling editor as holding unsaved changes while `isDirty` is true.
 *
 * @example useUnsavedChanges(!sameItems(draft, saved.items));
 */
export function useUnsavedChanges(isDirty: boolean): void {
  useEffect(() => {
    if (!isDirty) return;
    const key = Symbol('unsaved changes');
    dirty.add(key);
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      dirty.delete(key);
      if (dirty.size === 0) window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [isDirty]);
}

/** The question asked when leaving an editor with unsaved changes; rendered once, in the layout. */
export function UnsavedChangesDialog() {
  const target = useSyncExternalStore(subscribe, () => pending);
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (target !== null && !element.open) element.showModal();
    if (target === null && element.open) element.close();
  }, [target]);
  const stay = () => {
    pending = null;
    emit();
  };
  const leave = () => {
    const held = pending;
    pending = null;
    emit();
    held?.leave();
  };
  return (
    <dialog
      ref={dialog}
      className="leave-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-text`}
      onCancel={(event) => {
        // Escape: the native dialog would close itself; stay, through our own state.
        event.preventDefault();
        stay();
      }}
    >
      <h2 id={`${id}-title`}>Leave without saving?</h2>
      <p id={`${id}-text`}>Your changes on this page are not saved. If you leave, they are lost.</p>
      <div className="button-row">
        <button type="button" className="button-primary" autoFocus onClick={stay}>
          Stay and keep editing
        </button>
        <button type="button" className="button-danger" onClick={leave}>
          Leave without saving
        </button>
      </div>
    </dialog>
  );
}
