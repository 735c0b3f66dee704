import { type FormEvent, Fragment, type ReactNode, useId, useMemo, useState } from 'react';
import { api } from '../api';
import { ErrorAlert, Loading, Notice, isVersionMismatch } from '../components/alert';
import {
  DraftBadge,
  DraftRowButton,
  DraftText,
  addDraftRow,
  draftRowProps,
  isSameList,
  useDraftRows,
} from '../components/draft-rows';
import { type FieldProblems, fieldProblemsOf } from '../components/field-problems';
import { ChangesPreview, SaveBar, changesSummary } from '../components/save-bar';
import { useLoad, useTitle } from '../hooks';
import { Link } from '../router';
import type { Body, SettingsDocument } from '../types';
import { useUnsavedChanges } from '../unsaved-changes';
import {
  IvrEditor,
  QueuesEditor,
  describeIvrChanges,
  describeQueueChanges,
  idFrom,
  listChanges,
} from './call-routing-editors';

type General = Body<'/api/v1/settings/general', 'put'>;
type Documents = Body<'/api/v1/settings/documents', 'put'>;
type Queues = Body<'/api/v1/settings/queues', 'put'>;
type Ivr = Body<'/api/v1/settings/ivr', 'put'>;
type BlockedNumbers = Body<'/api/v1/settings/blocked-numbers', 'put'>;

/** What a section's editor is handed: the draft, the saved value, and the last 400's word. */
export interface EditorProps<T> {
  readonly value: T;
  readonly saved: T;
  readonly set: (value: T) => void;
  readonly problems: FieldProblems;
}

/**
 * The account's telephony settings (telephonySettings.modify), one card per section of
 * `GET/PUT /settings/{section}`: general, blocked numbers, documents, queues and voice
 * menus; the destination policy and emergency numbers have their own page, linked here.
 * Each card saves its own section with If-Match, so two administrators never overwrite
 * each other unseen, after showing what saving changes.
 */
export function TelephonySettingsPage() {
  useTitle('Telephony settings');
  // The voice menus offer the saved queues: saving the queues reads them again.
  const [queuesSaved, setQueuesSaved] = useState(0);
  return (
    <>
      <h1>Telephony settings</h1>
      <p className="lead">
        Settings for the whole account. Who may call which numbers from outside is set under{' '}
        <Link to="/admin/outbound-calls">Outbound calls</Link> (the destination policy and emergency
        numbers); who may use each line, under <Link to="/numbers">Numbers</Link>.
      </p>
      <Section<General> section="general" title="General" describe={describeGeneral}>
        {(props) => <GeneralEditor {...props} />}
      </Section>
      <Section<BlockedNumbers>
        section="blocked-numbers"
        title="Blocked numbers"
        describe={(before, after) =>
          listChanges(
            before.numbers,
            after.numbers,
            (n) => n,
            (n) => n,
            {
              added: (n) => `Nobody may call ${n} any more.`,
              removed: (n) => `${n} may be called again.`,
            },
          )
        }
      >
        {({ value, set }) => (
          <LinesEditor
            label="Numbers nobody may call, one a line"
            hint="Written as you like; kept in international format. Part of the company directory: a directory import replaces this list."
            lines={value.numbers}
            onChange={(numbers) => set({ numbers })}
          />
        )}
      </Section>
      <Section<Documents>
        section="documents"
        title="Documents"
        describe={(before, after) =>
          listChanges(
            before.items,
            after.items,
            (d) => d.id,
            (d) => `“${d.name}”`,
            {
              added: (name) => `Offers ${name} to employees.`,
              removed: (name) => `No longer offers ${name}.`,
            },
          )
        }
      >
        {(props) => <DocumentsEditor {...props} />}
      </Section>
      <Section<Queues>
        section="queues"
        title="Call queues"
        describe={describeQueueChanges}
        onSaved={() => setQueuesSaved((n) => n + 1)}
      >
        {(props) => <QueuesEditor {...props} />}
      </Section>
      <Section<Ivr> section="ivr" title="Voice menus" describe={describeIvrChanges}>
        {(props) => <IvrEditor {...props} queuesSaved={queuesSaved} />}
      </Section>
    </>
  );
}

/** One section: loads it, lets `children` edit a draft, saves it with the version it read. */
function Section<T>({
  section,
  title,
  describe,
  onSaved,
  children,
}: {
  readonly section: string;
  readonly title: string;
  /** What saving `after` over `before` changes, one sentence each, for the preview. */
  readonly describe: (before: T, after: T) => readonly string[];
  readonly onSaved?: () => void;
  readonly children: (props: EditorProps<T>) => ReactNode;
}) {
  const id = useId();
  // Kept here: saving reloads the section and the form starts again at the new version.
  const [justSaved, setJustSaved] = useState(false);
  const loaded = useLoad(
    (signal) => api.get<SettingsDocument<T>>(`/settings/${section}`, { signal }),
    [section],
  );
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {loaded.status === 'loading' && loaded.data === undefined && <Loading />}
      {loaded.status === 'error' && <ErrorAlert error={loaded.error} />}
      {loaded.data !== undefined && loaded.status !== 'error' && (
        <SectionForm
          key={loaded.data.version}
          section={section}
          title={title}
          saved={loaded.data}
          describe={describe}
          justSaved={justSaved}
          onEdit={() => setJustSaved(false)}
          onSaved={() => {
            setJustSaved(true);
            loaded.reload();
            onSaved?.();
          }}
          onReload={loaded.reload}
        >
          {children}
        </SectionForm>
      )}
    </section>
  );
}

function SectionForm<T>({
  section,
  title,
  saved,
  describe,
  justSaved,
  onEdit,
  onSaved,
  onReload,
  children,
}: {
  readonly section: string;
  readonly title: string;
  readonly saved: SettingsDocument<T>;
  readonly describe: (before: T, after: T) => readonly string[];
  readonly justSaved: boolean;
  readonly onEdit: () => void;
  readonly onSaved: () => void;
  readonly onReload: () => void;
  readonly children: (props: EditorProps<T>) => ReactNode;
}) {
  const id = useId();
  const [draft, setDraft] = useState<T>(saved.value);
  // Discard starts the editors again from the saved value: they may hold rows of their own.
  const [generation, setGeneration] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const changed = !isSameList([draft], [saved.value]);
  useUnsavedChanges(changed && !busy);
  const problems = useMemo(() => fieldProblemsOf(error), [error]);
  const changes = changed ? describe(saved.value, draft) : [];
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.put(`/settings/${section}`, draft, { ifMatch: saved.version });
      onSaved();
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };
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
          problems,
        })}
      </Fragment>
      {justSaved && <Notice tone="success">Saved.</Notice>}
      {error !== null && (
        <ErrorAlert
          error={error}
          title={isVersionMismatch(error) ? 'Not saved: changed meanwhile.' : 'Not saved.'}
        >
          {isVersionMismatch(error) && (
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
            setError(null);
          }}
        />
      )}
    </form>
  );
}

const describeGeneral = (before: General, after: General): string[] => [
  ...(before.recordCalls === after.recordCalls
    ? []
    : [after.recordCalls ? 'Calls are recorded.' : 'Calls are no longer recorded.']),
  ...(before.defaultCallerIdNumber === after.defaultCallerIdNumber
    ? []
    : [
        `The default caller ID becomes ${after.defaultCallerIdNumber ?? 'none'} (was ${before.defaultCallerIdNumber ?? 'none'}).`,
      ]),
  ...(before.language === after.language
    ? []
    : [`The language becomes ${after.language} (was ${before.language}).`]),
];

function GeneralEditor({ value, set }: EditorProps<General>) {
  const id = useId();
  // The default caller ID is one of the account's rented numbers.
  const numbers = useLoad(
    (signal) => api.get<{ items: { number: string }[] }>('/numbers', { signal }),
    [],
  );
  const rented = numbers.data?.items.map((n) => n.number) ?? [];
  const current = value.defaultCallerIdNumber;
  const choices = current === null || rented.includes(current) ? rented : [current, ...rented];
  return (
    <>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={value.recordCalls}
          onChange={(e) => set({ ...value, recordCalls: e.target.checked })}
        />{' '}
        Record calls
      </label>
      <div className="field">
        <label htmlFor={`${id}-caller`}>Default caller ID</label>
        <select
          id={`${id}-caller`}
          value={current ?? ''}
          onChange={(e) =>
            set({ ...value, defaultCallerIdNumber: e.target.value === '' ? null : e.target.value })
          }
        >
          <option value="">None</option>
          {choices.map((number) => (
            <option key={number} value={number}>
              {number}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-language`}>Language (for example en or pt-BR)</label>
        <input
          id={`${id}-language`}
          value={value.language}
          maxLength={35}
          required
          onChange={(e) => set({ ...value, language: e.target.value.trim() })}
        />
      </div>
    </>
  );
}

/** A list of texts edited as lines of a text area; blank lines are dropped. */
function LinesEditor({
  label,
  hint,
  lines,
  onChange,
}: {
  readonly label: string;
  readonly hint: string;
  readonly lines: readonly string[];
  readonly onChange: (lines: string[]) => void;
}) {
  const id = useId();
  const [text, setText] = useState(lines.join('\n'));
  return (
    <div className="field">
      <label htmlFor={`${id}-lines`}>{label}</label>
      <textarea
        id={`${id}-lines`}
        rows={Math.min(Math.max(lines.length + 1, 3), 12)}
        value={text}
        aria-describedby={`${id}-hint`}
        onChange={(e) => {
          setText(e.target.value);
          onChange(
            e.target.value
              .split('\n')
              .map((line) => line.trim())
              .filter((line) => line !== ''),
          );
        }}
      />
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
    </div>
  );
}

function DocumentsEditor({ saved, set, problems }: EditorProps<Documents>) {
  const id = useId();
  const [rows, setRows] = useDraftRows(saved.items, (items) => set({ items: [...items] }));
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const add = () => {
    if (name.trim() === '') {
      setProblem('Give the document a name.');
      return;
    }
    if (!/^https?:\/\/./.test(url.trim())) {
      setProblem('The link starts with https:// or http://.');
      return;
    }
    setProblem(null);
    const ids = rows.map((row) => row.item.id);
    setRows(addDraftRow(rows, { id: idFrom(name, ids), name: name.trim(), url: url.trim() }));
    setName('');
    setUrl('');
  };
  const itemProblems = [...problems].filter(([path]) => path.startsWith('items'));
  return (
    <>
      {rows.length === 0 ? (
        <p className="empty">No documents.</p>
      ) : (
        <table className="data-table">
          <caption className="visually-hidden">Documents offered to employees</caption>
          <thead>
            <tr>
              <th scope="col">Document</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={`${index}/${row.item.id}`} {...draftRowProps(row)}>
                <td data-label="Document">
                  <DraftText row={row}>
                    <a href={row.item.url} target="_blank" rel="noreferrer">
                      {row.item.name}
                    </a>
                  </DraftText>
                  <DraftBadge row={row} />
                </td>
                <td data-label="" className="row-actions">
                  <DraftRowButton
                    rows={rows}
                    index={index}
                    onChange={setRows}
                    what={row.item.name}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {itemProblems.length > 0 && (
        <ul className="field-problem">
          {itemProblems.map(([path, messages]) => (
            <li key={path}>{messages.join('; ')}</li>
          ))}
        </ul>
      )}
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-name`}>Document name</label>
          <input
            id={`${id}-name`}
            value={name}
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-url`}>Link (https://…)</label>
          <input
            id={`${id}-url`}
            type="url"
            value={url}
            maxLength={2000}
            onChange={(e) => setUrl(e.target.value)}
          />
        </div>
        <button type="button" className="button-secondary" onClick={add}>
          Add document
        </button>
      </div>
      {problem !== null && (
        <p className="alert alert-error" role="alert">
          {problem}
        </p>
      )}
    </>
  );
}
