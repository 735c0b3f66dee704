import { useCallback, useId, useMemo } from 'react';
import { CALL_DIRECTIONS, type DirectoryUser } from '../types';
import { DIRECTION_LABEL } from '../format';
import { Combobox } from './combobox';

export interface CallFilterValues {
  readonly from: string;
  readonly to: string;
  readonly direction: string;
  readonly userId: string;
}

export const NO_FILTERS: CallFilterValues = { from: '', to: '', direction: '', userId: '' };

/**
 * The filters of the call list and statistics: a period (dates, inclusive), and for the
 * list a direction and an employee among those the viewer's scope reaches.
 */
export function CallFilters({
  value,
  onChange,
  users,
  periodOnly = false,
}: {
  readonly value: CallFilterValues;
  readonly onChange: (value: CallFilterValues) => void;
  /** The employees to offer; with one or none the employee filter is not shown. */
  readonly users: readonly DirectoryUser[];
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
      {!periodOnly && users.length > 1 && (
        <EmployeeFilter
          users={users}
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
  userId,
  onChange,
}: {
  readonly users: readonly DirectoryUser[];
  readonly userId: string;
  readonly onChange: (userId: string) => void;
}) {
  const reached = useMemo(() => new Map(users.map((u) => [u.id, u])), [users]);
  const user = reached.get(userId);
  const value = useMemo(
    () => (user === undefined ? null : { id: user.id, name: user.name, active: user.active }),
    [user],
  );
  const filter = useCallback((item: { id: string }) => reached.has(item.id), [reached]);
  return (
    <Combobox
      label="Employee"
      kind="user"
      placeholder="All employees"
      value={value}
      filter={filter}
      onChange={(item) => onChange(item?.id ?? '')}
    />
  );
}
