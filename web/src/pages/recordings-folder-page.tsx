import { type FormEvent, useCallback, useId, useMemo, useState } from 'react';
import { api } from '../api';
import { AccessCodePicker } from '../components/access-code-picker';
import {
  type DraftRow,
  DraftTable,
  addDraftRow,
  draftItemsOf,
  draftRowsOf,
  editDraftRow,
  isSameList,
} from '../components/draft-rows';
import { ErrorAlert, Loading, Notice, isVersionMismatch } from '../components/alert';
import { describeAccessCode } from '../directory';
import { useDebounced, useLoad, useTitle } from '../hooks';
import { LevelChanges } from '../components/level-changes';
import { SaveBar, peopleChanged } from '../components/save-bar';
import { useSession } from '../session';
import type { DryRunAnswer, FolderEntry, FolderSection } from '../types';
import { useUnsavedChanges } from '../unsaved-changes';

const ACCESS_LABEL = { read: 'Read (may listen)', none: 'No access' } as const;

/**
 * The "Recorded calls" folder's access list (SPEC §7): listening needs recording.listen
 * and read access here; an explicit "no access" wins over any "read".
 */
export function RecordingsFolderPage() {
  useTitle('Recorded calls folder');
  const [notice, setNotice] = useState<string | null>(null);
  const folder = useLoad(
    (signal) => api.get<FolderSection>('/settings/recordings-folder', { signal }),
    [],
  );
  return (
    <>
      <h1>Recorded calls folder</h1>
      <p className="lead">
        Recordings are kept in the company drive’s “Recorded calls” folder. To listen to a
        recording, someone needs both a role that reaches the call and read access to this folder.
        An explicit <em>No access</em> wins over any <em>Read</em>, so you can keep, for example,
        contractors away from every recording. Account administrators always have access.
      </p>
      {notice !== null && <Notice tone="success">{notice}</Notice>}
      {folder.status === 'loading' && folder.data === undefined && <Loading />}
      {folder.status === 'error' && <ErrorAlert error={folder.error} />}
      {folder.data !== undefined && folder.status !== 'error' && (
        <FolderEditor
          key={folder.data.version}
          saved={folder.data}
          onReload={folder.reload}
          onSaved={() => {
            setNotice('The folder’s access list was saved.');
            folder.reload();
          }}
          onEdit={() => setNotice(null)}
        />
      )}
    </>
  );
}

function FolderEditor({
  saved,
  onReload,
  onSaved,
  onEdit,
}: {
  readonly saved: FolderSection;
  readonly onReload: () => void;
  readonly onSaved: () => void;
  readonly onEdit: () => void;
}) {
  const { directory } = useSession();
  const id = useId();
  const [rows, setRowsState] = useState(() => draftRowsOf(saved.value.entries));
  const entries = useMemo(() => draftItemsOf(rows), [rows]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const setRows = (next: readonly DraftRow<FolderEntry>[]) => {
    onEdit();
    setRowsState(next);
  };
  const who = (entry: FolderEntry) => describeAccessCode(directory, entry.accessCode);
  const isChanged = !isSameList(entries, saved.value.entries);
  useUnsavedChanges(isChanged && !busy);
  const settled = useDebounced(entries, 250);
  const isPreviewCurrent = settled === entries;
  const preview = useLoad<DryRunAnswer | null>(
    (signal) =>
      isSameList(settled, saved.value.entries)
        ? Promise.resolve(null)
        : api.put<DryRunAnswer>(
            '/settings/recordings-folder',
            { entries: settled },
            { query: { dryRun: 1 }, signal },
          ),
    [settled],
  );

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.put('/settings/recordings-folder', { entries }, { ifMatch: saved.version });
      onSaved();
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  return (
    <>
      <section className="card" aria-labelledby={`${id}-list`}>
        <h2 id={`${id}-list`}>Access list{isChanged ? ' (changed, not saved yet)' : ''}</h2>
        <DraftTable
          rows={rows}
          caption="Who may read the Recorded calls folder"
          empty={
            <p className="empty">
              Empty: nobody but account administrators may listen to recordings.
            </p>
          }
          name={{ header: 'Who', cell: (row) => who(row.item) }}
          columns={[
            {
              header: 'Access',
              cell: ({ item: entry, removed }, index) =>
                removed ? (
                  <del>{ACCESS_LABEL[entry.access]}</del>
                ) : (
                  <select
                    aria-label={`Access of ${who(entry)}`}
                    value={entry.access}
                    onChange={(e) =>
                      setRows(
                        editDraftRow(rows, index, {
                          ...entry,
                          access: e.target.value as FolderEntry['access'],
                        }),
                      )
                    }
                  >
                    <option value="read">{ACCESS_LABEL.read}</option>
                    <option value="none">{ACCESS_LABEL.none}</option>
                  </select>
                ),
            },
          ]}
          rowKey={(row, index) => `${index}/${row.item.accessCode}`}
          actions={{ onChange: setRows, what: (row) => who(row.item) }}
        />
      </section>
      <AddEntry existing={entries} onAdd={(entry) => setRows(addDraftRow(rows, entry))} />
      {error !== null && (
        <ErrorAlert
          error={error}
          title={
            isVersionMismatch(error) ? 'Not saved: the list was changed meanwhile.' : 'Not saved.'
          }
        >
          {isVersionMismatch(error) && (
            <>
              {' '}
              Someone else saved the list after you opened this page. Reload it, then make your
              change again.{' '}
              <button type="button" className="button-secondary" onClick={onReload}>
                Reload the list
              </button>
            </>
          )}
        </ErrorAlert>
      )}
      {isChanged && (
        <section
          className="card preview"
          id={`${id}-preview`}
          aria-labelledby={`${id}-preview-title`}
        >
          <h2 id={`${id}-preview-title`}>Preview of the change</h2>
          <div aria-live="polite">
            {(!isPreviewCurrent || preview.status === 'loading') && (
              <Loading label="Working out who gains or loses access…" />
            )}
            {isPreviewCurrent && preview.status === 'error' && <ErrorAlert error={preview.error} />}
            {isPreviewCurrent && preview.status === 'ready' && preview.data !== null && (
              <LevelChanges changes={preview.data.changes} caption="Who gains or loses listening" />
            )}
          </div>
        </section>
      )}
      {isChanged && (
        <SaveBar
          summary={
            isPreviewCurrent && preview.status === 'ready' && preview.data !== null
              ? peopleChanged(preview.data.changes)
              : undefined
          }
          previewId={`${id}-preview`}
          busy={busy}
          canSave={isPreviewCurrent && preview.status === 'ready'}
          onSave={() => void save()}
          onDiscard={() => setRows(draftRowsOf(saved.value.entries))}
        />
      )}
    </>
  );
}

function AddEntry({
  existing,
  onAdd,
}: {
  readonly existing: readonly FolderEntry[];
  readonly onAdd: (entry: FolderEntry) => void;
}) {
  const id = useId();
  const [code, setCode] = useState<string | null>(null);
  const [access, setAccess] = useState<FolderEntry['access']>('none');
  const [problem, setProblem] = useState<string | null>(null);
  const [resetKey, setResetKey] = useState(0);
  const onCode = useCallback((value: string | null) => setCode(value), []);

  const add = (event: FormEvent) => {
    event.preventDefault();
    if (code === null) {
      setProblem('Choose whom first.');
      return;
    }
    if (existing.some((entry) => entry.accessCode === code)) {
      setProblem('They are on the list already: change their access above.');
      return;
    }
    setProblem(null);
    onAdd({ accessCode: code, access });
    setResetKey((k) => k + 1);
  };

  return (
    <form className="card" onSubmit={add} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Add to the list</h2>
      <div className="form-grid">
        <AccessCodePicker onChange={onCode} resetKey={resetKey} label="Who" />
        <div className="field">
          <label htmlFor={`${id}-access`}>Access</label>
          <select
            id={`${id}-access`}
            value={access}
            onChange={(e) => setAccess(e.target.value as FolderEntry['access'])}
          >
            <option value="read">{ACCESS_LABEL.read}</option>
            <option value="none">{ACCESS_LABEL.none}</option>
          </select>
        </div>
      </div>
      {problem !== null && (
        <p className="alert alert-error" role="alert">
          {problem}
        </p>
      )}
      <button type="submit" className="button-primary">
        Add
      </button>
    </form>
  );
}
