import { useCallback, useId, useMemo } from 'react';
import { CALL_DIRECTIONS, type DirectoryUser } from '../types';
import { DIRECTION_LABEL, STATUS_LABEL } from '../format';
import { Combobox } from './combobox';

export interface CallFilterValues {
  readonly from: string;
  readonly to: string;
  readonly direction: string;
  readonly userId: string;
  readonly status: string;
  /** The start of the other party's number, as typed. */
  readonly phoneNumber: string;
  /** One of SORT_LABEL's keys; empty is newest first. */
  readonly sort: string;
}

export const NO_FILTERS: CallFilterValues = {
  from: '',
  to: '',
  direction: '',
  userId: '',
  status: '',
  phoneNumber: '',
  sort: '',
};

/** The list's orders (GET /calls `sort`), newest first being the default (''). */
export const SORT_LABEL: Readonly<Record<string, string>> = {
  '': 'Newest first',
  startedAt: 'Oldest first',
  '-durationSec': 'Longest first',
  durationSec: 'Shortest first',
  '-cost': 'Most expensive first',
  cost: 'Cheapest first',
};

/**
 * The number typed as the API's prefix (`+` and digits): spaces, dashes and brackets
 * dropped, a missing `+` added (numbers are kept in international format). Undefined for
 * text that is no number prefix.
 */
export function phonePrefix(typed: string): string | undefined {
  const compact = typed.replace(/[\s().-]/g, '');
  if (compact === '') return undefined;
  const prefix = compact.startsWith('+') ? compact : `+${compact}`;
  return /^\+[0-9]{1,16}$/.test(prefix) ? prefix : undefined;
}

/**
 * The filters of the call list and statistics: a period (dates, inclusive), and for the
 * list a direction and an employee among those the viewer's scope reaches.
 */
export function CallFilters({
  value,
  onChange,
  users,
  selectedUser,
  periodOnly = false,
}: {
  readonly value: CallFilterValues;
  readonly onChange: (value: CallFilterValues) => void;
  /**
   * The employees to offer: `everyone` (an `any` level: whoever the search finds), or
   * these; with one or none the employee filter is not shown.
   */
  readonly users: readonly DirectoryUser[] | 'everyone';
  /** With `everyone`: the chosen employee, once known (the directory loads on demand). */
  readonly selectedUser?: DirectoryUser | undefined;
  readonly periodOnly?: boolean;
}) {
  const id = useId();
  const set = (patch: Partial<CallFilterValues>) => onChange({ ...value, ...patch });
  const isFiltered = Object.values(value).some((v) => v !== '');
  return (
    <form
      className="filters"
      role="search"
      aria-label="Filter calls"
      onSubmit={(e) => e.preventDefault()}
    >
      <div className="field">
        <label htmlFor={`${id}-from`}>From</label>
        <input
          id={`${id}-from`}
          type="date"
          value={value.from}
          max={value.to || undefined}
          onChange={(e) => set({ from: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>To</label>
        <input
          id={`${id}-to`}
          type="date"
          value={value.to}
          min={value.from || undefined}
          onChange={(e) => set({ to: e.target.value })}
        />
      </div>
      {!periodOnly && (
        <div className="field">
          <label htmlFor={`${id}-direction`}>Direction</label>
          <select
            id={`${id}-direction`}
            value={value.direction}
            onChange={(e) => set({ direction: e.target.value })}
          >
            <option value="">All directions</option>
            {CALL_DIRECTIONS.map((direction) => (
              <option key={direction} value={direction}>
                {DIRECTION_LABEL[direction] ?? direction}
              </option>
            ))}
          </select>
        </div>
      )}
      {!periodOnly && (
        <div className="field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select
            id={`${id}-status`}
            value={value.status}
            onChange={(e) => set({ status: e.target.value })}
          >
            <option value="">All statuses</option>
            {Object.entries(STATUS_LABEL).map(([status, label]) => (
              <option key={status} value={status}>
                {label}
              </option>
            ))}
          </select>
        </div>
      )}
      {!periodOnly && (
        <div className="field">
          <label htmlFor={`${id}-phone`}>Number starts with</label>
          <input
            id={`${id}-phone`}
            type="search"
            inputMode="tel"
            autoComplete="off"
            maxLength={30}
            placeholder="+1 415"
            value={value.phoneNumber}
            aria-invalid={value.phoneNumber !== '' && phonePrefix(value.phoneNumber) === undefined}
            onChange={(e) => set({ phoneNumber: e.target.value })}
          />
        </div>
      )}
      {!periodOnly && (
        <div className="field">
          <label htmlFor={`${id}-sort`}>Order</label>
          <select
            id={`${id}-sort`}
            value={value.sort}
            onChange={(e) => set({ sort: e.target.value })}
          >
            {Object.entries(SORT_LABEL).map(([sort, label]) => (
              <option key={sort} value={sort}>
                {label}
              </option>
            ))}
          </select>
        </div>
      )}
      {!periodOnly && (users === 'everyone' || users.length > 1) && (
        <EmployeeFilter
          users={users}
          selectedUser={selectedUser}
          userId={value.userId}
          onChange={(userId) => set({ userId })}
        />
      )}
      {isFiltered && (
        <button type="button" className="button-secondary" onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </button>
      )}
    </form>
  );
}

/**
 * The employee filter: a search among everyone (the server's directory search), keeping
 * only those the viewer's scope reaches, since the list would show no call of anyone else.
 */
function EmployeeFilter({
  users,
  selectedUser,
  userId,
  onChange,
}: {
  readonly users: readonly DirectoryUser[] | 'everyone';
  readonly selectedUser: DirectoryUser | undefined;
  readonly userId: string;
  readonly onChange: (userId: string) => void;
}) {
  const reached = useMemo(
    () => (users === 'everyone' ? null : new Map(users.map((u) => [u.id, u]))),
    [users],
  );
  const user = reached === null ? selectedUser : reached.get(userId);
  const value = useMemo(
    () => (user === undefined ? null : { id: user.id, name: user.name, active: user.active }),
    [user],
  );
  const filter = useCallback((item: { id: string }) => reached?.has(item.id) ?? true, [reached]);
  return (
    <Combobox
      label="Employee"
      kind="user"
      placeholder="All employees"
      value={value}
      {...(reached !== null && { filter })}
      onChange={(item) => onChange(item?.id ?? '')}
    />
  );
}
