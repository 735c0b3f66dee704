/**
 * The bar that stays at the bottom of the window while an editor holds unsaved changes:
 * what the preview found, then Save and Discard. After "Add" on a long page the preview's
 * verdict and Save are in sight without scrolling; the whole preview is one link away.
 * Every saving screen shows it: the permission editors (roles, assignments, the recordings
 * folder, line access) and the telephony settings.
 */
export function SaveBar({
  summary,
  previewId,
  busy,
  canSave,
  saveLabel = 'Save changes',
  onSave,
  onDiscard,
}: {
  /** What the change does ("2 people gain or lose access."); undefined while worked out. */
  readonly summary: string | undefined;
  /** The id of the full preview on the page; none for a change nobody's access follows. */
  readonly previewId?: string;
  readonly busy: boolean;
  readonly canSave: boolean;
  readonly saveLabel?: string;
  /** Undefined when Save submits the form the bar is in. */
  readonly onSave?: () => void;
  readonly onDiscard: () => void;
}) {
  return (
    <div className="save-bar" role="region" aria-label="Unsaved changes">
      <p className="save-bar-summary" aria-live="polite">
        <strong>Not saved yet.</strong> {summary ?? 'Working out who gains or loses access…'}
        {previewId !== undefined && (
          <>
            {' '}
            <a href={`#${previewId}`}>See the preview</a>
          </>
        )}
      </p>
      <div className="save-bar-actions">
        <button
          type={onSave === undefined ? 'submit' : 'button'}
          className="button-primary"
          disabled={busy || !canSave}
          onClick={onSave}
        >
          {busy ? 'Saving…' : saveLabel}
        </button>
        <button type="button" className="button-secondary" disabled={busy} onClick={onDiscard}>
          Discard changes
        </button>
      </div>
    </div>
  );
}

/**
 * The save bar's summary of a preview's changes, by person: "Nobody’s access changes.",
 * "1 person gains or loses access.", "3 people gain or lose access."
 *
 * @example peopleChanged(preview.changes) // '2 people gain or lose access.'
 */
export function peopleChanged(changes: readonly { readonly userId: string }[]): string {
  const people = new Set(changes.map((change) => change.userId)).size;
  if (people === 0) return 'Nobody’s access changes.';
  return `${people} ${people === 1 ? 'person gains or loses' : 'people gain or lose'} access.`;
}

/**
 * The save bar's summary of a settings change, worded as `changes` (one sentence each):
 * the one change itself, or how many there are.
 */
export function changesSummary(changes: readonly string[]): string {
  if (changes.length === 0) return 'Nothing that changes a call; only the wording or order.';
  if (changes.length === 1) return changes[0]!;
  return `${changes.length} changes, listed in the preview.`;
}

/**
 * What saving a settings section changes, one sentence each, above the save bar (which
 * links here by `id`). For the permission editors the preview is who gains or loses what.
 */
export function ChangesPreview({
  id,
  changes,
}: {
  readonly id: string;
  readonly changes: readonly string[];
}) {
  return (
    <section className="preview" id={id} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>What saving changes</h3>
      {changes.length === 0 ? (
        <p className="muted">{changesSummary(changes)}</p>
      ) : (
        <ul>
          {changes.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
