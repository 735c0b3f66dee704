import { useCallback, useId, useMemo, useState } from 'react';
import { api } from '../api';
import { AccessCodePicker } from '../components/access-code-picker';
import {
  type DraftRow,
  DraftTable,
  addDraftRow,
  draftItemsOf,
  draftRowsOf,
  isSameList,
  restoreDraftRow,
} from '../components/draft-rows';
import { SaveBar, peopleChanged } from '../components/save-bar';
import { ErrorAlert, Loading, Notice, isVersionMismatch } from '../components/alert';
import { describeAccessCode } from '../directory';
import { formatDateTime, formatMoney } from '../format';
import { useDebounced, useLoad, useTitle } from '../hooks';
import { useSession } from '../session';
import type { LineAccess, LineAccessAnswer, RentedNumber } from '../types';
import { useUnsavedChanges } from '../unsaved-changes';

/**
 * The account's rented numbers, how each one connects (SIP), and who may call out from
 * each (line access, SPEC §5 rule 5; numbers.manage).
 */
export function NumbersPage() {
  useTitle('Numbers');
  const [editing, setEditing] = useState<string | null>(null);
  const [releasing, setReleasing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [releaseError, setReleaseError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // A released number goes back to the pool: the offers are asked for again.
  const [released, setReleased] = useState(0);
  const numbers = useLoad(
    (signal) => api.get<{ items: RentedNumber[] }>('/numbers', { signal }),
    [],
  );
  const release = async (number: string) => {
    setBusy(true);
    setReleaseError(null);
    try {
      await api.delete(`/numbers/${encodeURIComponent(number)}`);
      setNotice(`${number} was released. People who showed it as their caller ID now show none.`);
      setReleasing(null);
      if (editing === number) setEditing(null);
      setReleased((n) => n + 1);
      numbers.reload();
    } catch (caught) {
      setReleaseError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h1>Numbers</h1>
      <p className="lead">
        The numbers this account rents, how each one connects, and who may use each for outgoing
        calls. Account administrators may always call out from every line; emergency calls go out
        from any line.
      </p>
      {notice !== null && <Notice tone="success">{notice}</Notice>}
      {numbers.status === 'loading' && numbers.data === undefined && <Loading />}
      {numbers.status === 'error' && <ErrorAlert error={numbers.error} />}
      {numbers.data !== undefined && numbers.data.items.length === 0 && (
        <p className="empty">No numbers rented.</p>
      )}
      {numbers.data !== undefined && numbers.data.items.length > 0 && (
        <table className="data-table">
          <caption className="visually-hidden">Rented numbers</caption>
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Country</th>
              <th scope="col">Monthly fee</th>
              <th scope="col">Rented</th>
              <th scope="col">SIP connection</th>
              <th scope="col">Outgoing calls</th>
              <th scope="col">Rental</th>
            </tr>
          </thead>
          <tbody>
            {numbers.data.items.map((n) => (
              <tr key={n.number}>
                <td data-label="Number" className="nowrap">
                  {n.number}
                </td>
                <td data-label="Country">{n.country}</td>
                <td data-label="Monthly fee">{formatMoney(n.monthlyFee, n.currency)}</td>
                <td data-label="Rented">{formatDateTime(n.rentedAt)}</td>
                <td data-label="SIP connection">
                  {n.connection.host === null
                    ? 'Cloud (no SIP server)'
                    : `${n.connection.username ?? '—'} @ ${n.connection.host}${n.connection.hasPassword ? ', password set' : ''}`}
                </td>
                <td data-label="Outgoing calls">
                  <button
                    type="button"
                    className="button-secondary button-small"
                    aria-expanded={editing === n.number}
                    onClick={() => setEditing(editing === n.number ? null : n.number)}
                  >
                    Who may call out
                  </button>
                </td>
                <td data-label="Rental">
                  {releasing === n.number ? (
                    <span className="confirm" role="group" aria-label={`Release ${n.number}?`}>
                      <span>Release {n.number}? Calls to it stop reaching you.</span>{' '}
                      <button
                        type="button"
                        className="button-danger button-small"
                        disabled={busy}
                        onClick={() => void release(n.number)}
                      >
                        {busy ? 'Releasing…' : 'Release'}
                      </button>{' '}
                      <button
                        type="button"
                        className="button-secondary button-small"
                        disabled={busy}
                        onClick={() => setReleasing(null)}
                      >
                        Keep it
                      </button>
                    </span>
                  ) : (
                    <button
                      type="button"
                      className="button-secondary button-small"
                      aria-label={`Release ${n.number}`}
                      onClick={() => {
                        setReleasing(n.number);
                        setReleaseError(null);
                        setNotice(null);
                      }}
                    >
                      Release…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {releaseError !== null && (
        <ErrorAlert error={releaseError} title="The number was not released." />
      )}
      {editing !== null && <LineAccessSection key={editing} number={editing} />}
      <RentSection
        key={released}
        onRented={(rented) => {
          setNotice(
            `${rented.number} is yours. Its first monthly fee (${formatMoney(rented.monthlyFee, rented.currency)}) was taken from the balance.`,
          );
          setReleasing(null);
          numbers.reload();
        }}
      />
    </>
  );
}

/** A number of the pool no account rents (GET /numbers/available). */
interface NumberOffer {
  readonly number: string;
  readonly country: string;
  readonly monthlyFee: number;
  readonly currency: string;
}

/** The pool's free numbers, by country, each with a button that rents it. */
function RentSection({ onRented }: { readonly onRented: (number: RentedNumber) => void }) {
  const id = useId();
  const [country, setCountry] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [renting, setRenting] = useState<string | null>(null);
  const wanted = useDebounced(country.trim().toUpperCase(), 250);
  const offers = useLoad(
    (signal) =>
      api.get<{ items: NumberOffer[] }>('/numbers/available', {
        query: { limit: 20, country: /^[A-Z]{2}$/.test(wanted) ? wanted : undefined },
        signal,
      }),
    [wanted],
  );
  const rent = async (number: string) => {
    setRenting(number);
    setError(null);
    try {
      onRented(await api.post<RentedNumber>('/numbers', { number }));
      offers.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setRenting(null);
    }
  };
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Rent a number</h2>
      <p className="muted">Renting takes the first monthly fee from the balance at once.</p>
      <div className="field inline-field">
        <label htmlFor={`${id}-country`}>Country (two letters)</label>
        <input
          id={`${id}-country`}
          value={country}
          maxLength={2}
          placeholder="US"
          autoComplete="off"
          onChange={(e) => setCountry(e.target.value)}
        />
      </div>
      {error !== null && <ErrorAlert error={error} title="The number was not rented." />}
      {offers.status === 'loading' && offers.data === undefined && <Loading />}
      {offers.status === 'error' && <ErrorAlert error={offers.error} />}
      {offers.data !== undefined && offers.data.items.length === 0 && (
        <p className="empty">No free numbers{wanted === '' ? '' : ` in ${wanted}`}.</p>
      )}
      {offers.data !== undefined && offers.data.items.length > 0 && (
        <table className="data-table">
          <caption className="visually-hidden">Numbers free to rent</caption>
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Country</th>
              <th scope="col">Monthly fee</th>
              <th scope="col">
                <span className="visually-hidden">Rent</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {offers.data.items.map((offer) => (
              <tr key={offer.number}>
                <td data-label="Number" className="nowrap">
                  {offer.number}
                </td>
                <td data-label="Country">{offer.country}</td>
                <td data-label="Monthly fee">{formatMoney(offer.monthlyFee, offer.currency)}</td>
                <td data-label="Rent">
                  <button
                    type="button"
                    className="button-primary button-small"
                    aria-label={`Rent ${offer.number}`}
                    disabled={renting !== null}
                    onClick={() => void rent(offer.number)}
                  >
                    {renting === offer.number ? 'Renting…' : 'Rent'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** One line's access list: load, edit, preview who gains or loses it, save with If-Match. */
function LineAccessSection({ number }: { readonly number: string }) {
  const path = `/numbers/${encodeURIComponent(number)}/access`;
  const [notice, setNotice] = useState<string | null>(null);
  const access = useLoad((signal) => api.get<LineAccess>(path, { signal }), [path]);
  return (
    <section className="card" aria-label={`Who may call out from ${number}`}>
      <h2>Who may call out from {number}</h2>
      {notice !== null && <Notice tone="success">{notice}</Notice>}
      {access.status === 'loading' && access.data === undefined && <Loading />}
      {access.status === 'error' && <ErrorAlert error={access.error} />}
      {access.data !== undefined && access.status !== 'error' && (
        <LineAccessEditor
          key={access.data.version}
          path={path}
          saved={access.data}
          onReload={access.reload}
          onEdit={() => setNotice(null)}
          onSaved={() => {
            setNotice('Saved. It applies from the next call.');
            access.reload();
          }}
        />
      )}
    </section>
  );
}

function LineAccessEditor({
  path,
  saved,
  onReload,
  onEdit,
  onSaved,
}: {
  readonly path: string;
  readonly saved: LineAccess;
  readonly onReload: () => void;
  readonly onEdit: () => void;
  readonly onSaved: () => void;
}) {
  const { directory } = useSession();
  const id = useId();
  const [rows, setRowsState] = useState(() => draftRowsOf(saved.accessCodes));
  const codes = useMemo(() => draftItemsOf(rows), [rows]);
  const [picked, setPicked] = useState<string | null>(null);
  const [resetKey, setResetKey] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const onPick = useCallback((code: string | null) => setPicked(code), []);
  const setRows = (next: readonly DraftRow<string>[]) => {
    onEdit();
    setRowsState(next);
  };
  const isChanged = !isSameList(codes, saved.accessCodes);
  useUnsavedChanges(isChanged && !busy);
  const settled = useDebounced(codes, 250);
  const isPreviewCurrent = settled === codes;
  const preview = useLoad<LineAccessAnswer | null>(
    (signal) =>
      isSameList(settled, saved.accessCodes)
        ? Promise.resolve(null)
        : api.put<LineAccessAnswer>(
            path,
            { accessCodes: settled },
            { query: { dryRun: 1 }, ifMatch: saved.version, signal },
          ),
    [settled],
  );

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.put<LineAccessAnswer>(path, { accessCodes: codes }, { ifMatch: saved.version });
      onSaved();
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  return (
    <>
      <DraftTable
        rows={rows}
        caption="Who may call out from this line"
        empty={<p className="empty">Everyone may call out from this line.</p>}
        name={{ header: 'Who', cell: (row) => describeAccessCode(directory, row.item) }}
        rowKey={(row, index) => `${index}/${row.item}`}
        actions={{ onChange: setRows, what: (row) => describeAccessCode(directory, row.item) }}
      />
      {rows.length > 0 && codes.length === 0 && (
        <p className="muted">Once saved, everyone may call out from this line.</p>
      )}
      <form
        className="form-grid"
        aria-labelledby={`${id}-add`}
        onSubmit={(event) => {
          event.preventDefault();
          if (picked === null || codes.includes(picked)) return;
          // Added back after its removal: the saved row comes back, not a second one.
          const removed = rows.findIndex((row) => row.removed && row.item === picked);
          setRows(removed >= 0 ? restoreDraftRow(rows, removed) : addDraftRow(rows, picked));
          setResetKey((k) => k + 1);
        }}
      >
        <h3 id={`${id}-add`} className="visually-hidden">
          Add to the list
        </h3>
        <AccessCodePicker onChange={onPick} resetKey={resetKey} label="May call out" />
        <button type="submit" className="button-secondary" disabled={picked === null}>
          Add
        </button>
      </form>
      {isChanged && (
        <section
          className="preview"
          id={`${id}-preview-card`}
          aria-labelledby={`${id}-preview`}
          aria-live="polite"
        >
          <h3 id={`${id}-preview`}>Preview of the change</h3>
          {(!isPreviewCurrent || preview.status === 'loading') && (
            <Loading label="Working out who gains or loses this line…" />
          )}
          {isPreviewCurrent && preview.status === 'error' && <ErrorAlert error={preview.error} />}
          {isPreviewCurrent && preview.status === 'ready' && preview.data !== null && (
            <LineChanges changes={preview.data.changes} />
          )}
        </section>
      )}
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
              <button type="button" className="button-secondary" onClick={onReload}>
                Reload the list
              </button>
            </>
          )}
        </ErrorAlert>
      )}
      {isChanged && (
        <SaveBar
          summary={
            isPreviewCurrent && preview.status === 'ready' && preview.data !== null
              ? peopleChanged(preview.data.changes)
              : undefined
          }
          previewId={`${id}-preview-card`}
          busy={busy}
          canSave={isPreviewCurrent && preview.status === 'ready'}
          saveLabel="Save who may call out"
          onSave={() => void save()}
          onDiscard={() => setRows(draftRowsOf(saved.accessCodes))}
        />
      )}
    </>
  );
}

/** Who gains or loses the use of the line, by name, as the assignments preview shows levels. */
function LineChanges({ changes }: { readonly changes: LineAccessAnswer['changes'] }) {
  if (changes.length === 0) return <p className="muted">Nobody’s access changes.</p>;
  const sorted = [...changes].sort((a, b) => a.userName.localeCompare(b.userName));
  return (
    <>
      <p>
        {changes.length} {changes.length === 1 ? 'person' : 'people'}:
      </p>
      <table className="data-table changes-table">
        <caption className="visually-hidden">Who gains or loses this line</caption>
        <thead>
          <tr>
            <th scope="col">Employee</th>
            <th scope="col">After saving</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((change) => (
            <tr key={change.userId} className={change.gains ? 'gain' : 'loss'}>
              <td data-label="Employee">{change.userName}</td>
              <td data-label="After saving">
                <span className={change.gains ? 'change-gain' : 'change-loss'}>
                  {change.gains ? 'may call out from it' : 'may no longer call out from it'}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
