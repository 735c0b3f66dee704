import { api } from '../api';
import { ErrorAlert, Loading } from '../components/alert';
import { formatDateTime, formatMoney } from '../format';
import { useLoad, useTitle } from '../hooks';
import type { Balance } from '../types';

/** The telephony balance and its latest ledger entries (balance.manage). */
export function BalancePage() {
  useTitle('Balance');
  const balance = useLoad(
    (signal) => api.get<Balance>('/balance', { query: { limit: 50 }, signal }),
    [],
  );
  return (
    <>
      <h1>Balance</h1>
      {balance.status === 'loading' && <Loading />}
      {balance.status === 'error' && <ErrorAlert error={balance.error} />}
      {balance.status === 'ready' && (
        <>
          <dl className="totals">
            <div className="total">
              <dt>Balance</dt>
              <dd>{formatMoney(balance.data.balance, balance.data.currency)}</dd>
            </div>
          </dl>
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
