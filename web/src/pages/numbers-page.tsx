import { api } from '../api';
import { ErrorAlert, Loading } from '../components/alert';
import { formatDateTime, formatMoney } from '../format';
import { useLoad, useTitle } from '../hooks';
import type { RentedNumber } from '../types';

/** The account's rented numbers and their connection (SIP) settings (numbers.manage). */
export function NumbersPage() {
  useTitle('Numbers');
  const numbers = useLoad(
    (signal) => api.get<{ items: RentedNumber[] }>('/numbers', { signal }),
    [],
  );
  return (
    <>
      <h1>Numbers</h1>
      <p className="lead">The numbers this account rents, and how each one connects.</p>
      {numbers.status === 'loading' && <Loading />}
      {numbers.status === 'error' && <ErrorAlert error={numbers.error} />}
      {numbers.status === 'ready' && numbers.data.items.length === 0 && (
        <p className="empty">No numbers rented.</p>
      )}
      {numbers.status === 'ready' && numbers.data.items.length > 0 && (
        <table className="data-table">
          <caption className="visually-hidden">Rented numbers</caption>
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Country</th>
              <th scope="col">Monthly fee</th>
              <th scope="col">Rented</th>
              <th scope="col">SIP connection</th>
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
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
