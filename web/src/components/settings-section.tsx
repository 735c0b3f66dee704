import { type FormEvent, Fragment, type ReactNode, useId, useMemo, useState } from 'react';
import { api } from '../api';
import type { SettingsDocument, SettingsSection, SettingsValue } from '../types';
import { useLoad } from '../hooks';
import { useUnsavedChanges } from '../unsaved-changes';
import { ErrorAlert, Loading, Notice, isVersionMismatch } from './alert';
import { isSameList } from './draft-rows';
import {
  type FieldProblems,
  NO_PROBLEMS,
  ProblemsAlert,
  fieldProblemsOf,
  wordProblems,
} from './field-problems';
import { ChangesPreview, SaveBar, changesSummary } from './save-bar';

/** What a section's editor is handed: the draft, the saved value, and the last 400's word. */
export interface EditorProps<T> {
  readonly value: T;
  readonly saved: T;
  readonly set: (value: T) => void;
  readonly problems: FieldProblems;
}

interface SectionProps<S extends SettingsSection> {
  readonly section: S;
  readonly title: string;
  /** Shown under the title, before the form. */
  readonly intro?: ReactNode;
  /** The notice after a save ("Saved."). */
  readonly savedNotice?: string;
  /** What saving `after` over `before` changes, one sentence each, for the preview. */
  readonly describe: (before: SettingsValue<S>, after: SettingsValue<S>) => readonly string[];
  /** Where a problem of a refused save is, for people, in the value that was sent. */
  readonly placeOf: (path: string, sent: SettingsValue<S>) => string | undefined;
  /** A refusal other than a 400 worded from what the page knows; undefined: the server's. */
  readonly wordRefusal?: (error: unknown, saved: SettingsValue<S>) => string | undefined;
  readonly onSaved?: () => void;
  readonly children: (props: EditorProps<SettingsValue<S>>) => ReactNode;
}

/**
 * One section of `GET/PUT /settings/{section}` as a card: loads it, lets `children` edit a
 * draft, previews what saving changes in the sticky save bar, saves with the version it read
 * (If-Match, so two administrators never overwrite each other unseen), and words a refusal
 * for people. After a save the form starts again from the new version.
 */
export function SettingsCard<S extends SettingsSection>(props: SectionProps<S>) {
  const { section, title, intro, onSaved } = props;
  const id = useId();
  // Kept here: saving reloads the section and the form starts again at the new version.
  const [justSaved, setJustSaved] = useState(false);
  const loaded = useLoad(
    (signal) => api.get<SettingsDocument<S>>(`/settings/${section}`, { signal }),
    [section],
  );
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {intro}
      {loaded.status === 'loading' && loaded.data === undefined && <Loading />}
      {loaded.status === 'error' && <ErrorAlert error={loaded.error} />}
      {loaded.data !== undefined && loaded.status !== 'error' && (
        // The only keyed child here: a key shared with a sibling would make React reuse,
        // duplicate or drop the wrong element.
        <SectionForm
          key={loaded.data.version}
          {...props}
          saved={loaded.data}
          justSaved={justSaved}
          onEdit={() => setJustSaved(false)}
          onSaved={() => {
            setJustSaved(true);
            loaded.reload();
            onSaved?.();
          }}
          onReload={loaded.reload}
        />
      )}
    </section>
  );
}

function SectionForm<S extends SettingsSection>({
  section,
  title,
  savedNotice = 'Saved.',
  describe,
  placeOf,
  wordRefusal,
  saved,
  justSaved,
  onEdit,
  onSaved,
  onReload,
  children,
}: SectionProps<S> & {
  readonly saved: SettingsDocument<S>;
  readonly justSaved: boolean;
  readonly onEdit: () => void;
  readonly onSaved: () => void;
  readonly onReload: () => void;
}) {
  type Value = SettingsValue<S>;
  const id = useId();
  const [draft, setDraft] = useState<Value>(saved.value);
  // Discard starts the editors again from the saved value: they may hold rows of their own.
  const [generation, setGeneration] = useState(0);
  const [busy, setBusy] = useState(false);
  // The refusal with the value refused: its paths count the rows that were sent.
  const [refused, setRefused] = useState<{ error: unknown; sent: Value } | null>(null);
  const changed = !isSameList([draft], [saved.value]);
  useUnsavedChanges(changed && !busy);
  const problems = useMemo(() => fieldProblemsOf(refused?.error), [refused]);
  // The fields are marked while they hold what was refused: a path counts the rows sent,
  // and once a row is added or removed it may name another.
  const problemsNow =
    refused !== null && isSameList([draft], [refused.sent]) ? problems : NO_PROBLEMS;
  const changes = changed ? describe(saved.value, draft) : [];
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setRefused(null);
    try {
      await api.put(`/settings/${section}`, draft, { ifMatch: saved.version });
      onSaved();
    } catch (caught) {
      setRefused({ error: caught, sent: draft });
      setBusy(false);
    }
  };
  const worded =
    refused === null
      ? []
      : problems.size > 0
        ? wordProblems(problems, (path) => placeOf(path, refused.sent))
        : [wordRefusal?.(refused.error, saved.value)].filter((line) => line !== undefined);
  return (
    <form aria-label={title} onSubmit={(e) => void save(e)} onChange={onEdit} noValidate>
      <Fragment key={generation}>
        {children({
          value: draft,
          saved: saved.value,
          set: (value) => {
            setDraft(value);
            onEdit();
          },
          problems: problemsNow,
        })}
      </Fragment>
      {justSaved && <Notice tone="success">{savedNotice}</Notice>}
      {worded.length > 0 && <ProblemsAlert title="Not saved." lines={worded} />}
      {refused !== null && worded.length === 0 && (
        <ErrorAlert
          error={refused.error}
          title={isVersionMismatch(refused.error) ? 'Not saved: changed meanwhile.' : 'Not saved.'}
        >
          {isVersionMismatch(refused.error) && (
            <>
              {' '}
              <button type="button" className="button-secondary" onClick={onReload}>
                Load the latest
              </button>
            </>
          )}
        </ErrorAlert>
      )}
      {changed && <ChangesPreview id={`${id}-preview`} changes={changes} />}
      {changed && (
        <SaveBar
          summary={changesSummary(changes)}
          previewId={`${id}-preview`}
          busy={busy}
          canSave
          saveLabel={`Save ${title.toLowerCase()}`}
          onDiscard={() => {
            setDraft(saved.value);
            setGeneration((g) => g + 1);
            setRefused(null);
          }}
        />
      )}
    </form>
  );
}
