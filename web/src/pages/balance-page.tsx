import { type FormEvent, useId, useState } from 'react';
import { api } from '../api';
import { ErrorAlert, Loading, Notice } from '../components/alert';
import { formatDateTime, formatMoney } from '../format';
import { useLoad, useTitle } from '../hooks';
import type { Balance } from '../types';

/** The most one top-up may credit (POST /balance/top-ups, MAX_TOP_UP). */
const MAX_TOP_UP = 100_000;

/** The telephony balance, topping it up, and its latest ledger entries (balance.manage). */
export function BalancePage() {
  useTitle('Balance');
  const balance = useLoad(
    (signal) => api.get<Balance>('/balance', { query: { limit: 50 }, signal }),
    [],
  );
  return (
    <>
      <h1>Balance</h1>
      {balance.status === 'loading' && balance.data === undefined && <Loading />}
      {balance.status === 'error' && <ErrorAlert error={balance.error} />}
      {balance.data !== undefined && (
        <>
          <dl className="totals">
            <div className="total">
              <dt>Balance</dt>
              <dd>{formatMoney(balance.data.balance, balance.data.currency)}</dd>
            </div>
          </dl>
          <TopUpForm currency={balance.data.currency} onDone={balance.reload} />
          <h2>Latest entries</h2>
          {balance.data.ledger.length === 0 ? (
            <p className="empty">No entries yet.</p>
          ) : (
            <table className="data-table">
              <caption className="visually-hidden">Ledger, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Amount</th>
                </tr>
              </thead>
              <tbody>
                {balance.data.ledger.map((entry) => (
                  <tr key={entry.id}>
                    <td data-label="When">{formatDateTime(entry.at)}</td>
                    <td data-label="What">{entry.description}</td>
                    <td
                      data-label="Amount"
                      className={entry.amount < 0 ? 'change-loss' : 'change-gain'}
                    >
                      {formatMoney(entry.amount, entry.currency)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </>
  );
}

/** Credits the balance: an amount above zero, in the balance's currency, cents at most. */
function TopUpForm({
  currency,
  onDone,
}: {
  readonly currency: string;
  readonly onDone: () => void;
}) {
  const id = useId();
  const [amount, setAmount] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const entry = await api.post<{ amount: number; currency: string }>('/balance/top-ups', {
        amount: Number(amount),
        currency,
      });
      setDone(`${formatMoney(entry.amount, entry.currency)} was added to the balance.`);
      setAmount('');
      onDone();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="card form-grid"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => void submit(e)}
    >
      <h2 id={`${id}-title`}>Top up</h2>
      <div className="field">
        <label htmlFor={`${id}-amount`}>Amount ({currency})</label>
        <input
          id={`${id}-amount`}
          type="number"
          inputMode="decimal"
          min="0.01"
          max={MAX_TOP_UP}
          step="0.01"
          required
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
        />
      </div>
      <button type="submit" className="button-primary" disabled={busy || amount === ''}>
        {busy ? 'Adding…' : 'Add to the balance'}
      </button>
      {done !== null && <Notice tone="success">{done}</Notice>}
      {error !== null && <ErrorAlert error={error} title="The balance was not topped up." />}
    </form>
  );
}
