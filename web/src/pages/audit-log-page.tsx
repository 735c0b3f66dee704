import { useEffect, useId, useState } from 'react';
import { api, apiUrl, messageOf } from '../api';
import { ErrorAlert, Loading } from '../components/alert';
import { AuditDetails } from '../components/audit-details';
import { Combobox } from '../components/combobox';
import { actorName, describeAccessCode, userName } from '../directory';
import { endOfDay, formatDateTime, startOfDay } from '../format';
import { useLoad, useTitle } from '../hooks';
import { useSession } from '../session';
import type { AuditEntry, AuditPage, Directory } from '../types';

/** The audit event types (src/store/audit.ts) in words. */
const EVENT_TYPES: Readonly<Record<string, string>> = {
  'role.created': 'Role created',
  'role.updated': 'Role changed',
  'role.deleted': 'Role deleted',
  'roles.replaced': 'Roles imported',
  'assignments.replaced': 'Assignments changed',
  'recordingsFolder.changed': 'Recorded calls folder access changed',
  'recording.played': 'Recording played',
  'recording.downloaded': 'Recording downloaded',
  'recording.deleted': 'Recording deleted',
  'recording.uploaded': 'Recording uploaded',
  'legalHold.set': 'Legal hold set',
  'legalHold.lifted': 'Legal hold lifted',
  'outboundCall.emergency': 'Emergency call',
  'outboundCall.refused': 'Outbound call refused',
  'outboundCall.placed': 'Outbound call placed',
  'userSettings.changed': 'User settings changed',
  'settings.changed': 'Telephony settings changed',
  'number.rented': 'Number rented',
  'number.released': 'Number released',
  'number.connectionChanged': 'Number connection changed',
  'number.accessChanged': 'Line access changed',
  'balance.toppedUp': 'Balance topped up',
  'token.created': 'Token created',
  'token.revoked': 'Token revoked',
  'webhook.created': 'Webhook created',
  'webhook.revoked': 'Webhook revoked',
  'account.created': 'Account created',
  'account.changed': 'Account changed',
  'directory.replaced': 'Directory imported',
  'calls.imported': 'Calls imported',
};

interface Filters {
  readonly actor: string;
  readonly type: string;
  readonly from: string;
  readonly to: string;
}

const NO_FILTERS: Filters = { actor: '', type: '', from: '', to: '' };
/** "A person…" chosen and none picked yet: the log is not narrowed until one is. */
const PERSON = 'user:';

type LogState =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly error: unknown }
  | {
      readonly status: 'ready';
      readonly items: readonly AuditEntry[];
      readonly nextCursor: string | null;
    };

/** The audit log, newest first, with filters (who, what, when) and CSV / JSON-lines export. */
export function AuditLogPage() {
  useTitle('Audit log');
  const { directory } = useSession();
  const id = useId();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [state, setState] = useState<LogState>({ status: 'loading' });
  const [moreError, setMoreError] = useState<string | null>(null);
  const query = {
    actor: filters.actor === PERSON ? '' : filters.actor,
    type: filters.type,
    from: startOfDay(filters.from),
    to: endOfDay(filters.to),
  };

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    setMoreError(null);
    api
      .get<AuditPage>('/audit-log', { query: { ...query, limit: 100 }, signal: controller.signal })
      .then(
        (page) => {
          if (!controller.signal.aborted)
            setState({ status: 'ready', items: page.items, nextCursor: page.nextCursor });
        },
        (error: unknown) => {
          if (!controller.signal.aborted) setState({ status: 'error', error });
        },
      );
    return () => controller.abort();
    // `query` is derived from `filters` alone.
  }, [filters]);

  const loadMore = async () => {
    if (state.status !== 'ready' || state.nextCursor === null) return;
    try {
      const page = await api.get<AuditPage>('/audit-log', {
        query: { ...query, limit: 100, cursor: state.nextCursor },
      });
      setState({
        status: 'ready',
        items: [...state.items, ...page.items],
        nextCursor: page.nextCursor,
      });
    } catch (error) {
      setMoreError(messageOf(error));
    }
  };

  const set = (patch: Partial<Filters>) => setFilters({ ...filters, ...patch });
  const isFiltered = Object.values(filters).some((value) => value !== '');
  const person = filters.actor.startsWith('user:') ? filters.actor.slice(5) || null : null;

  return (
    <>
      <h1>Audit log</h1>
      <p className="lead">
        Every change to roles, assignments and the recordings folder, every recording played,
        downloaded or deleted, every refused call and every emergency call, with who and when.
        Newest first.
      </p>
      <EmergencyCalls />
      <form
        className="filters"
        role="search"
        aria-label="Filter the audit log"
        onSubmit={(e) => e.preventDefault()}
      >
        <div className="field">
          <label htmlFor={`${id}-actor`}>Who</label>
          <select
            id={`${id}-actor`}
            value={filters.actor.startsWith('user:') ? PERSON : filters.actor}
            onChange={(e) => set({ actor: e.target.value })}
          >
            <option value="">Anyone</option>
            <option value={PERSON}>A person…</option>
            <option value="system">System</option>
            <option value="operator">Operator</option>
            <option value="cli">Command line</option>
          </select>
        </div>
        {filters.actor.startsWith('user:') && (
          <Combobox
            label="Person"
            kind="user"
            value={person === null ? null : { id: person, name: userName(directory, person) }}
            onChange={(item) => set({ actor: item === null ? PERSON : `user:${item.id}` })}
          />
        )}
        <div className="field">
          <label htmlFor={`${id}-type`}>What</label>
          <select
            id={`${id}-type`}
            value={filters.type}
            onChange={(e) => set({ type: e.target.value })}
          >
            <option value="">Any event</option>
            {Object.entries(EVENT_TYPES).map(([type, label]) => (
              <option key={type} value={type}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-from`}>From</label>
          <input
            id={`${id}-from`}
            type="date"
            value={filters.from}
            onChange={(e) => set({ from: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>To</label>
          <input
            id={`${id}-to`}
            type="date"
            value={filters.to}
            onChange={(e) => set({ to: e.target.value })}
          />
        </div>
        {isFiltered && (
          <button type="button" className="button-secondary" onClick={() => setFilters(NO_FILTERS)}>
            Clear filters
          </button>
        )}
      </form>
      <p className="export-links">
        Export {isFiltered ? 'these entries' : 'the whole log'}:{' '}
        <a href={apiUrl('/audit-log/export', { ...query, format: 'csv' })} download>
          CSV
        </a>{' '}
        ·{' '}
        <a href={apiUrl('/audit-log/export', { ...query, format: 'jsonl' })} download>
          JSON lines
        </a>
      </p>
      {state.status === 'loading' && <Loading label="Loading the audit log…" />}
      {state.status === 'error' && <ErrorAlert error={state.error} />}
      {state.status === 'ready' && state.items.length === 0 && (
        <p className="empty">No entries match.</p>
      )}
      {state.status === 'ready' && state.items.length > 0 && (
        <>
          <table className="data-table audit-table">
            <caption className="visually-hidden">Audit log entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {state.items.map((entry) => (
                <tr
                  key={entry.id}
                  className={
                    entry.type === 'outboundCall.emergency' ? 'audit-emergency' : undefined
                  }
                >
                  <td data-label="When" className="nowrap">
                    {formatDateTime(entry.at)}
                  </td>
                  <td data-label="Who">{actorName(directory, entry.actor)}</td>
                  <td data-label="What">
                    {entry.type === 'outboundCall.emergency' ? (
                      <strong>{EVENT_TYPES[entry.type]}</strong>
                    ) : (
                      (EVENT_TYPES[entry.type] ?? entry.type)
                    )}
                    {entry.subject !== null && (
                      <span className="muted"> · {describeSubject(directory, entry)}</span>
                    )}
                  </td>
                  <td data-label="Details">
                    <AuditDetails directory={directory} entry={entry} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {state.nextCursor !== null && (
            <div className="list-footer">
              <button type="button" className="button-secondary" onClick={() => void loadMore()}>
                Load older entries
              </button>
            </div>
          )}
          {moreError !== null && (
            <p className="alert alert-error" role="alert">
              {moreError}
            </p>
          )}
        </>
      )}
    </>
  );
}

/**
 * Emergency calls (SPEC §5 rule 1) stand out: the latest ones, by whom and from which line,
 * above the log, whatever its filters say, so an administrator sees them at once.
 */
function EmergencyCalls() {
  const { directory } = useSession();
  const calls = useLoad(
    (signal) =>
      api.get<AuditPage>('/audit-log', {
        query: { type: 'outboundCall.emergency', limit: 5 },
        signal,
      }),
    [],
  );
  if (calls.status !== 'ready' || calls.data.items.length === 0) return null;
  return (
    <section className="alert alert-emergency" aria-labelledby="emergency-calls">
      <h2 id="emergency-calls">Emergency calls</h2>
      <ul>
        {calls.data.items.map((entry) => {
          const detail = (entry.detail ?? {}) as {
            caller?: { userId: string | null; from: string };
            line?: string | null;
          };
          const who =
            detail.caller?.userId != null
              ? userName(directory, detail.caller.userId)
              : `unknown caller “${detail.caller?.from ?? '?'}”`;
          return (
            <li key={entry.id}>
              <strong>{entry.subject}</strong> by {who}
              {detail.line != null && ` from line ${detail.line}`}, {formatDateTime(entry.at)}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function describeSubject(directory: Directory, entry: AuditEntry): string {
  const subject = entry.subject ?? '';
  if (entry.type.startsWith('userSettings')) return userName(directory, subject);
  if (subject.includes(':') || subject === 'admins' || subject === 'everyone')
    return describeAccessCode(directory, subject);
  return subject;
}
