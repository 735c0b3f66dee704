import { useId, useState } from 'react';
import { api } from '../api';
import { DraftTable, addDraftRow, useDraftRows } from '../components/draft-rows';
import { itemPlace } from '../components/field-problems';
import { NumberList, numberPlace } from '../components/number-list';
import { type EditorProps, SettingsCard } from '../components/settings-section';
import { useLoad, useTitle } from '../hooks';
import { Link } from '../router';
import { useSession } from '../session';
import type { SettingsDocument, SettingsValue } from '../types';
import {
  IvrEditor,
  QueuesEditor,
  describeIvrChanges,
  describeQueueChanges,
  idFrom,
  listChanges,
  menuPlace,
  queuePlace,
  wordQueueRefusal,
} from './call-routing-editors';

type General = SettingsValue<'general'>;
type Documents = SettingsValue<'documents'>;

/**
 * The account's telephony settings (telephonySettings.modify), one card per section of
 * `GET/PUT /settings/{section}`: general, blocked numbers, documents, queues and voice
 * menus; the destination policy and emergency numbers have their own page, linked here.
 */
export function TelephonySettingsPage() {
  useTitle('Telephony settings');
  const { directory } = useSession();
  // The voice menus offer the saved queues: saving the queues reads them again.
  const [queuesSaved, setQueuesSaved] = useState(0);
  // A queue a menu uses is refused removal: the refusal names the menu.
  const [ivrSaved, setIvrSaved] = useState(0);
  const menus = useLoad(
    (signal) => api.get<SettingsDocument<'ivr'>>('/settings/ivr', { signal }),
    [ivrSaved],
  );
  return (
    <>
      <h1>Telephony settings</h1>
      <p className="lead">
        Settings for the whole account. Who may call which numbers from outside is set under{' '}
        <Link to="/admin/outbound-calls">Outbound calls</Link> (the destination policy and emergency
        numbers); who may use each line, under <Link to="/numbers">Numbers</Link>.
      </p>
      <SettingsCard
        section="general"
        title="General"
        describe={describeGeneral}
        placeOf={(path) => GENERAL_FIELDS[path as keyof General]}
      >
        {(props) => <GeneralEditor {...props} />}
      </SettingsCard>
      <SettingsCard
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
        placeOf={numberPlace}
      >
        {({ saved, set, problems }) => (
          <NumberList
            saved={saved.numbers}
            onNumbers={(numbers) => set({ numbers })}
            problems={problems}
            caption="Numbers nobody may call"
            addLabel="Block a number"
            hint="Written as you like; kept in international format. Part of the company directory: a directory import replaces this list."
          />
        )}
      </SettingsCard>
      <SettingsCard
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
        placeOf={(path, sent) => {
          const at = /^items\.(\d+)/.exec(path);
          return at === null
            ? undefined
            : itemPlace('Document', Number(at[1]), sent.items[Number(at[1])]?.name);
        }}
      >
        {(props) => <DocumentsEditor {...props} />}
      </SettingsCard>
      <SettingsCard
        section="queues"
        title="Call queues"
        describe={describeQueueChanges}
        placeOf={(path, sent) => queuePlace(path, sent, directory)}
        wordRefusal={(error, saved) =>
          wordQueueRefusal(error, saved, menus.data?.value.menus ?? [])
        }
        onSaved={() => setQueuesSaved((n) => n + 1)}
      >
        {(props) => <QueuesEditor {...props} />}
      </SettingsCard>
      <SettingsCard
        section="ivr"
        title="Voice menus"
        describe={describeIvrChanges}
        placeOf={menuPlace}
        onSaved={() => setIvrSaved((n) => n + 1)}
      >
        {(props) => <IvrEditor {...props} queuesSaved={queuesSaved} />}
      </SettingsCard>
    </>
  );
}

const GENERAL_FIELDS: Readonly<Record<keyof General, string>> = {
  recordCalls: 'Record calls',
  defaultCallerIdNumber: 'Default caller ID',
  language: 'Language',
};

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
      <DraftTable
        rows={rows}
        caption="Documents offered to employees"
        empty={<p className="empty">No documents.</p>}
        name={{
          header: 'Document',
          cell: (row) => (
            <a href={row.item.url} target="_blank" rel="noreferrer">
              {row.item.name}
            </a>
          ),
        }}
        rowKey={(row, index) => `${index}/${row.item.id}`}
        actions={{ onChange: setRows, what: (row) => row.item.name }}
      />
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
