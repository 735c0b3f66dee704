import { type FormEvent, useId, useState } from 'react';
import { api, apiUrl } from '../api';
import { ErrorAlert, Loading, Notice } from '../components/alert';
import { levelReaches, userName } from '../directory';
import {
  DIRECTION_LABEL,
  STATUS_LABEL,
  formatDateTime,
  formatDuration,
  formatMoney,
} from '../format';
import { useLoad, useTitle } from '../hooks';
import { levelIn } from '../permissions';
import { wordCheck, wordError } from '../reasons';
import { Link } from '../router';
import { useSession } from '../session';
import type { Call, CheckAnswer } from '../types';

interface RecordingMeta {
  readonly contentType: string;
  readonly sizeBytes: number;
  readonly createdAt: string;
  readonly legalHold: { readonly reason: string; readonly by: string; readonly at: string } | null;
}

/** What the signed-in user may do with a call's recording, decided before offering controls. */
interface RecordingAccess {
  readonly listen: CheckAnswer | null;
  readonly remove: CheckAnswer | null;
  readonly meta: RecordingMeta | null;
}

/** Call details with the recording player, download and delete where allowed. */
export function CallDetailsPage({ callId }: { readonly callId: string }) {
  useTitle(`Call ${callId}`);
  const { me, directory } = useSession();
  const [deleted, setDeleted] = useState(false);
  const call = useLoad(
    (signal) => api.get<Call>(`/calls/${encodeURIComponent(callId)}`, { signal }),
    [callId],
  );

  const owner = call.data?.userId ?? null;
  const hasRecording = call.data?.hasRecording === true && !deleted;
  const access = useLoad<RecordingAccess | null>(
    async (signal) => {
      if (!hasRecording) return null;
      // The levels from /me rule out what cannot be allowed without asking; what may be
      // allowed is asked of the server, which also knows the recordings folder's list.
      const ask = async (permission: 'recording.listen' | 'recording.delete') => {
        const level = levelIn(me.permissions, permission);
        if (!levelReaches(directory, level, me.user.id, owner)) return null;
        return api.post<CheckAnswer>('/permissions/check', { permission, callId }, { signal });
      };
      const [listen, remove] = await Promise.all([
        ask('recording.listen'),
        ask('recording.delete'),
      ]);
      const meta = listen?.allowed
        ? await api.get<RecordingMeta>(`/calls/${encodeURIComponent(callId)}/recording/meta`, {
            signal,
          })
        : null;
      return { listen, remove, meta };
    },
    [callId, hasRecording, owner],
  );

  // The linked client's name, when the viewer's CRM read scope reaches it (else its id).
  const crm = call.data?.crm ?? null;
  const crmName = useLoad<string | null>(
    async (signal) => {
      if (crm === null) return null;
      const found = await api.get<{ items: { id: string; type: string; name: string }[] }>(
        '/crm-clients/search',
        { query: { q: crm.id, limit: 50 }, signal },
      );
      return found.items.find((i) => i.id === crm.id && i.type === crm.type)?.name ?? null;
    },
    [crm?.id, crm?.type],
  );

  if (call.status === 'loading' && call.data === undefined)
    return <Loading label="Loading the call…" />;
  if (call.status === 'error')
    return (
      <>
        <h1>Call {callId}</h1>
        <ErrorAlert error={call.error} what="This call" />
        <p>
          <Link to="/calls">Back to the call list</Link>
        </p>
      </>
    );
  const c = call.data!;
  const rows: [string, string][] = [
    ['When', formatDateTime(c.startedAt)],
    ['Employee', userName(directory, c.userId)],
    ['Direction', DIRECTION_LABEL[c.direction] ?? c.direction],
    ['Number', c.phoneNumber],
    ['Line', c.lineNumber ?? '—'],
    ['Duration', formatDuration(c.durationSec)],
    ['Status', STATUS_LABEL[c.status] ?? c.status],
    ['Cost', formatMoney(c.cost, c.currency)],
    ['CRM', c.crm === null ? '—' : `${crmName.data ?? c.crm.id} (${c.crm.type})`],
  ];

  return (
    <>
      <p className="breadcrumb">
        <Link to="/calls">Calls</Link> / {c.id}
      </p>
      <h1>Call details</h1>
      <dl className="details card">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <section className="card" aria-labelledby="recording-title">
        <h2 id="recording-title">Recording</h2>
        {deleted && <Notice tone="success">The recording was deleted.</Notice>}
        {!c.hasRecording && <p className="muted">This call has no recording.</p>}
        {hasRecording && access.status === 'loading' && <Loading label="Checking your access…" />}
        {hasRecording && access.status === 'error' && <ErrorAlert error={access.error} />}
        {hasRecording && access.status === 'ready' && access.data !== null && (
          <RecordingControls
            callId={c.id}
            access={access.data}
            onDeleted={() => setDeleted(true)}
          />
        )}
      </section>
    </>
  );
}

function RecordingControls({
  callId,
  access,
  onDeleted,
}: {
  readonly callId: string;
  readonly access: RecordingAccess;
  readonly onDeleted: () => void;
}) {
  const { me, directory } = useSession();
  const wording = { directory, readerId: me.user.id };
  const [playError, setPlayError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const path = `/calls/${encodeURIComponent(callId)}/recording`;

  const explainPlayError = async () => {
    // The <audio> element hides the answer's body: ask for the recording's details to learn why.
    try {
      await api.get(`${path}/meta`);
      setPlayError('The browser could not play this recording.');
    } catch (error) {
      setPlayError(wordError(error, wording, 'This recording'));
    }
  };

  const remove = async () => {
    setBusy(true);
    setDeleteError(null);
    try {
      await api.delete(path);
      onDeleted();
    } catch (error) {
      setDeleteError(error);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };

  const [hold, setHold] = useState(access.meta?.legalHold ?? null);
  const mayListen = access.listen?.allowed === true;
  const mayDelete = access.remove?.allowed === true && hold === null;

  return (
    <>
      {mayListen ? (
        <div className="player">
          <audio
            controls
            preload="metadata"
            src={apiUrl(path)}
            aria-label={`Recording of call ${callId}`}
            onError={() => void explainPlayError()}
          />
          <a className="button-secondary" href={apiUrl(path, { download: 1 })} download>
            Download recording
          </a>
        </div>
      ) : (
        <p className="muted" data-testid="listen-refusal">
          You may not listen to this recording.{' '}
          {access.listen
            ? wordCheck(access.listen, 'recording.listen', wording)
            : 'Your role does not reach this call’s recordings.'}
        </p>
      )}
      {playError !== null && (
        <p className="alert alert-error" role="alert">
          {playError}
        </p>
      )}
      {hold !== null && (
        <Notice tone="warning">
          Under legal hold since {formatDateTime(hold.at)}: {hold.reason}. Nobody may delete it
          until the hold is lifted.
        </Notice>
      )}
      {me.user.admin && access.meta !== null && (
        <LegalHoldControls path={`${path}/legal-hold`} hold={hold} onChange={setHold} />
      )}
      {mayDelete && !confirming && (
        <button type="button" className="button-danger" onClick={() => setConfirming(true)}>
          Delete recording
        </button>
      )}
      {mayDelete && confirming && (
        <div className="confirm" role="group" aria-label="Confirm deletion">
          <span>Delete this recording for good? It cannot be restored.</span>
          <button
            type="button"
            className="button-danger"
            disabled={busy}
            onClick={() => void remove()}
          >
            {busy ? 'Deleting…' : 'Yes, delete it'}
          </button>
          <button type="button" className="button-secondary" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      {deleteError !== null && (
        <ErrorAlert error={deleteError} title="The recording was not deleted." />
      )}
    </>
  );
}

type LegalHold = NonNullable<RecordingMeta['legalHold']>;

/**
 * Setting and lifting a legal hold (account administrators, SPEC §7): a held recording
 * can be neither deleted nor replaced, by anyone, until the hold is lifted.
 */
function LegalHoldControls({
  path,
  hold,
  onChange,
}: {
  readonly path: string;
  readonly hold: LegalHold | null;
  readonly onChange: (hold: LegalHold | null) => void;
}) {
  const id = useId();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const meta = await api.put<RecordingMeta>(path, { reason: reason.trim() });
      onChange(meta.legalHold);
      setReason('');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const lift = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.delete(path);
      onChange(null);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="legal-hold">
      {hold === null ? (
        <form className="form-grid" aria-labelledby={`${id}-title`} onSubmit={(e) => void set(e)}>
          <h3 id={`${id}-title`}>Legal hold</h3>
          <div className="field">
            <label htmlFor={`${id}-reason`}>Reason for the hold</label>
            <input
              id={`${id}-reason`}
              value={reason}
              maxLength={500}
              required
              placeholder="Case 2026-117"
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
          <button
            type="submit"
            className="button-secondary"
            disabled={busy || reason.trim() === ''}
          >
            {busy ? 'Placing the hold…' : 'Place under legal hold'}
          </button>
        </form>
      ) : (
        <button
          type="button"
          className="button-secondary"
          disabled={busy}
          onClick={() => void lift()}
        >
          {busy ? 'Lifting…' : 'Lift the legal hold'}
        </button>
      )}
      {error !== null && <ErrorAlert error={error} title="The legal hold was not changed." />}
    </div>
  );
}
