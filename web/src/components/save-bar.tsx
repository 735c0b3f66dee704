import type { LevelChange } from '../types';

/**
 * The bar that stays at the bottom of the window while an editor holds unsaved changes:
 * what the preview found, then Save and Discard. After "Add" on a long page the preview's
 * verdict and Save are in sight without scrolling; the whole preview is one link away.
 */
export function SaveBar({
  changes,
  previewId,
  busy,
  canSave,
  onSave,
  onDiscard,
}: {
  /** The preview's changes; undefined while it is worked out or when it failed. */
  readonly changes: readonly LevelChange[] | undefined;
  /** The id of the full preview on the page. */
  readonly previewId: string;
  readonly busy: boolean;
  readonly canSave: boolean;
  readonly onSave: () => void;
  readonly onDiscard: () => void;
}) {
  const people = changes === undefined ? 0 : new Set(changes.map((c) => c.userId)).size;
  const summary =
    changes === undefined
      ? 'Working out who gains or loses access…'
      : people === 0
        ? 'Nobody’s access changes.'
        : `${people} ${people === 1 ? 'person gains or loses' : 'people gain or lose'} access.`;
  return (
    <div className="save-bar" role="region" aria-label="Unsaved changes">
      <p className="save-bar-summary" aria-live="polite">
        <strong>Not saved yet.</strong> {summary} <a href={`#${previewId}`}>See the preview</a>
      </p>
      <div className="save-bar-actions">
        <button
          type="button"
          className="button-primary"
          disabled={busy || !canSave}
          onClick={onSave}
        >
          {busy ? 'Saving…' : 'Save changes'}
        </button>
        <button type="button" className="button-secondary" disabled={busy} onClick={onDiscard}>
          Discard changes
        </button>
      </div>
    </div>
  );
}
