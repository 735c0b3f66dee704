import { useId } from 'react';
import { CALL_DIRECTIONS, type DirectoryUser } from '../types';
import { DIRECTION_LABEL } from '../format';

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
        <div className="field">
          <label htmlFor={`${id}-user`}>Employee</label>
          <select
            id={`${id}-user`}
            value={value.userId}
            onChange={(e) => set({ userId: e.target.value })}
          >
            <option value="">All employees</option>
            {users.map((user) => (
              <option key={user.id} value={user.id}>
                {user.name}
                {user.active ? '' : ' (inactive)'}
              </option>
            ))}
          </select>
        </div>
      )}
      {isFiltered && (
        <button type="button" className="button-secondary" onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </button>
      )}
    </form>
  );
}
