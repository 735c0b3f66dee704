import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { api } from '../api';
import { ErrorAlert, Loading, Notice, isVersionMismatch } from '../components/alert';
import { useLoad, useTitle } from '../hooks';
import { Link } from '../router';
import type { SettingsDocument } from '../types';

interface General {
  readonly recordCalls: boolean;
  readonly defaultCallerIdNumber: string | null;
  readonly language: string;
}
interface Documents {
  readonly items: readonly { readonly id: string; readonly name: string; readonly url: string }[];
}
interface Queues {
  readonly items: readonly {
    readonly id: string;
    readonly name: string;
    readonly memberIds: readonly string[];
    readonly strategy: string;
  }[];
}
interface Ivr {
  readonly menus: readonly {
    readonly id: string;
    readonly name: string;
    readonly greeting: string;
    readonly options: readonly { digit: string; action: string; target: string | null }[];
  }[];
}

/**
 * The account's telephony settings (telephonySettings.modify), one card per section of
 * `GET/PUT /settings/{section}`: general, blocked numbers, documents, queues and voice
 * menus; the destination policy and emergency numbers have their own page, linked here.
 * Each card saves its own section with If-Match, so two administrators never overwrite
 * each other unseen.
 */
export function TelephonySettingsPage() {
  useTitle('Telephony settings');
  return (
    <>
      <h1>Telephony settings</h1>
      <p className="lead">
        Settings for the whole account. Who may call which numbers from outside is set under{' '}
        <Link to="/admin/outbound-calls">Outbound calls</Link> (the destination policy and emergency
        numbers); who may use each line, under <Link to="/numbers">Numbers</Link>.
      </p>
      <Section<General> section="general" title="General">
        {(value, set) => <GeneralEditor value={value} set={set} />}
      </Section>
      <Section<{ numbers: readonly string[] }> section="blocked-numbers" title="Blocked numbers">
        {(value, set) => (
          <LinesEditor
            label="Numbers nobody may call, one a line"
            hint="Written as you like; kept in international format. Part of the company directory: a directory import replaces this list."
            lines={value.numbers}
            onChange={(numbers) => set({ numbers })}
          />
        )}
      </Section>
      <Section<Documents> section="documents" title="Documents">
        {(value, set) => <DocumentsEditor value={value} set={set} />}
      </Section>
      <Section<Queues> section="queues" title="Call queues">
        {(value, set) => (
          <JsonEditor
            label="Queues"
            hint="Each queue: id, name, memberIds (user ids) and strategy (ring-all, round-robin or longest-idle)."
            summary={value.items.map(
              (q) => `${q.name}: ${q.memberIds.length} members, ${q.strategy}`,
            )}
            value={value}
            set={set}
          />
        )}
      </Section>
      <Section<Ivr> section="ivr" title="Voice menus">
        {(value, set) => (
          <JsonEditor
            label="Voice menus"
            hint="Each menu: id, name, greeting and options (digit, action: queue, user, menu or voicemail, and its target id)."
            summary={value.menus.map((m) => `${m.name}: ${m.options.length} options`)}
            value={value}
            set={set}
          />
        )}
      </Section>
    </>
  );
}

/** One section: loads it, lets `children` edit a draft, saves it with the version it read. */
function Section<T>({
  section,
  title,
  children,
}: {
  readonly section: string;
  readonly title: string;
  readonly children: (value: T, set: (value: T) => void) => ReactNode;
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
          justSaved={justSaved}
          onEdit={() => setJustSaved(false)}
          onSaved={() => {
            setJustSaved(true);
            loaded.reload();
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
  justSaved,
  onEdit,
  onSaved,
  onReload,
  children,
}: {
  readonly section: string;
  readonly title: string;
  readonly saved: SettingsDocument<T>;
  readonly justSaved: boolean;
  readonly onEdit: () => void;
  readonly onSaved: () => void;
  readonly onReload: () => void;
  readonly children: (value: T, set: (value: T) => void) => ReactNode;
}) {
  const [draft, setDraft] = useState<T>(saved.value);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const changed = JSON.stringify(draft) !== JSON.stringify(saved.value);
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
    <form aria-label={title} onSubmit={(e) => void save(e)} onChange={onEdit}>
      {children(draft, (value) => {
        setDraft(value);
        onEdit();
      })}
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
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={!changed || busy}>
          {busy ? 'Saving…' : `Save ${title.toLowerCase()}`}
        </button>
        {changed && (
          <button
            type="button"
            className="button-secondary"
            disabled={busy}
            onClick={() => setDraft(saved.value)}
          >
            Discard changes
          </button>
        )}
      </div>
    </form>
  );
}

function GeneralEditor({
  value,
  set,
}: {
  readonly value: General;
  readonly set: (v: General) => void;
}) {
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

/** An id for a new item, from its name ("Price list" → "price-list"), unique in the list. */
function idFrom(name: string, taken: readonly string[]): string {
  const base =
    name
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 56) || 'item';
  let candidate = base;
  for (let n = 2; taken.includes(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
}

function DocumentsEditor({
  value,
  set,
}: {
  readonly value: Documents;
  readonly set: (v: Documents) => void;
}) {
  const id = useId();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const add = () => {
    if (name.trim() === '' || !/^https?:\/\//.test(url.trim())) return;
    const ids = value.items.map((d) => d.id);
    set({ items: [...value.items, { id: idFrom(name, ids), name: name.trim(), url: url.trim() }] });
    setName('');
    setUrl('');
  };
  return (
    <>
      {value.items.length === 0 ? (
        <p className="empty">No documents.</p>
      ) : (
        <ul className="code-list">
          {value.items.map((doc) => (
            <li key={doc.id}>
              <a href={doc.url} target="_blank" rel="noreferrer">
                {doc.name}
              </a>{' '}
              <button
                type="button"
                className="button-secondary button-small"
                aria-label={`Remove ${doc.name}`}
                onClick={() => set({ items: value.items.filter((d) => d.id !== doc.id) })}
              >
                Remove
              </button>
            </li>
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
        <button
          type="button"
          className="button-secondary"
          disabled={name.trim() === '' || !/^https?:\/\//.test(url.trim())}
          onClick={add}
        >
          Add document
        </button>
      </div>
    </>
  );
}

/**
 * A section too nested for a form of its own yet (queues, voice menus): a summary, and the
 * document as JSON to edit; the server checks every reference (users, queues, menus) on save.
 */
function JsonEditor<T>({
  label,
  hint,
  summary,
  value,
  set,
}: {
  readonly label: string;
  readonly hint: string;
  readonly summary: readonly string[];
  readonly value: T;
  readonly set: (v: T) => void;
}) {
  const id = useId();
  const [text, setText] = useState(JSON.stringify(value, null, 2));
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <>
      {summary.length === 0 ? (
        <p className="empty">None yet.</p>
      ) : (
        <ul>
          {summary.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      <details>
        <summary>Edit {label.toLowerCase()}</summary>
        <div className="field">
          <label htmlFor={`${id}-json`}>{label} (JSON)</label>
          <textarea
            id={`${id}-json`}
            className="code"
            rows={10}
            value={text}
            aria-describedby={`${id}-hint`}
            aria-invalid={problem !== null}
            onChange={(e) => {
              setText(e.target.value);
              try {
                set(JSON.parse(e.target.value) as T);
                setProblem(null);
              } catch {
                setProblem('Not valid JSON: until it is, saving keeps the last valid text.');
              }
            }}
          />
          <p className="hint" id={`${id}-hint`}>
            {problem ?? hint}
          </p>
        </div>
      </details>
    </>
  );
}
