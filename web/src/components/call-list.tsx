import { type ReactNode, useLayoutEffect, useMemo, useState } from 'react';
import { api, apiUrl, messageOf } from '../api';
import { NO_DIRECTORY, userName, usersReached } from '../directory';
import {
  DIRECTION_LABEL,
  STATUS_LABEL,
  endOfDay,
  formatDateTime,
  formatDuration,
  formatMoney,
  startOfDay,
} from '../format';
import { Link } from '../router';
import { useDirectoryWhen } from '../session';
import type { Call, CallPage } from '../types';
import { ErrorAlert, Loading } from './alert';
import { useDebounced } from '../hooks';
import {
  CallFilters,
  type CallFilterValues,
  NO_FILTERS,
  SORT_LABEL,
  phonePrefix,
} from './call-filters';

const PAGE_SIZE = 50;

type ListState =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly error: unknown }
  | {
      readonly status: 'ready';
      readonly items: readonly Call[];
      readonly nextCursor: string | null;
    };

/**
 * The call list: only calls in the viewer's scope (the server filters; this shows what it
 * answers), with filters and "load more". With `viewAs`, it asks exactly what that user
 * would see and is read-only.
 */
export function CallList({
  actorId,
  level,
  viewAs,
  summary,
  filters: shownFilters,
  onFiltersChange,
}: {
  /** Whose scope the employee filter offers. */
  readonly actorId: string;
  /** That user's callStats.view level. */
  readonly level: string;
  readonly viewAs?: string;
  /** Shown between the filters and the list, for the period the filters choose. */
  readonly summary?: (period: { readonly from?: string; readonly to?: string }) => ReactNode;
  /** Filters kept elsewhere (the calls page keeps them in the URL); else kept here. */
  readonly filters?: CallFilterValues;
  readonly onFiltersChange?: (filters: CallFilterValues) => void;
}) {
  const [ownFilters, setOwnFilters] = useState<CallFilterValues>(NO_FILTERS);
  const filters = shownFilters ?? ownFilters;
  const setFilters = onFiltersChange ?? setOwnFilters;
  // The number is asked for once typing pauses, not at every keystroke.
  const typedPhone = useDebounced(filters.phoneNumber, 300);
  const [state, setState] = useState<ListState>({ status: 'loading' });
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);

  const { from, to, direction, userId, status, sort } = filters;
  const listQuery = {
    from: startOfDay(from),
    to: endOfDay(to),
    direction,
    userId,
    status,
    phoneNumber: phonePrefix(typedPhone),
    sort,
    viewAs,
  };
  const query = (cursor?: string) => ({ ...listQuery, limit: PAGE_SIZE, cursor });

  // A layout effect, so the list is asked for before the summary's statistics (a child's
  // effect, which would otherwise run first): the page the user waits for comes first.
  useLayoutEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    setMoreError(null);
    api.get<CallPage>('/calls', { query: query(), signal: controller.signal }).then(
      (page) => {
        if (!controller.signal.aborted)
          setState({ status: 'ready', items: page.items, nextCursor: page.nextCursor });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error });
      },
    );
    return () => controller.abort();
    // query() reads only these.
  }, [from, to, direction, userId, status, sort, typedPhone, viewAs]);

  const loadMore = async () => {
    if (state.status !== 'ready' || state.nextCursor === null) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await api.get<CallPage>('/calls', { query: query(state.nextCursor) });
      setState({
        status: 'ready',
        items: [...state.items, ...page.items],
        nextCursor: page.nextCursor,
      });
    } catch (error) {
      setMoreError(messageOf(error));
    } finally {
      setLoadingMore(false);
    }
  };

  // The employee filter needs the directory only to bound a `department` scope, or to name
  // the employee chosen at `any`; the rows are named by the server (`userName`). It is asked
  // for once the rows are in, so its 2,000 people never hold up the list.
  const everyone = level === 'any';
  const directory = useDirectoryWhen(
    state.status !== 'loading' && (level === 'department' || (everyone && userId !== '')),
  );
  const users = useMemo(
    () =>
      everyone
        ? ('everyone' as const)
        : directory === null
          ? [] // on its way: no filter until then
          : usersReached(directory, level, actorId),
    [everyone, directory, level, actorId],
  );
  const selectedUser = everyone ? directory?.users.find((u) => u.id === userId) : undefined;

  return (
    <section aria-label="Call list">
      <CallFilters
        value={filters}
        onChange={setFilters}
        users={users}
        selectedUser={selectedUser}
      />
      {summary?.({ from: startOfDay(filters.from), to: endOfDay(filters.to) })}
      {state.status === 'loading' && <Loading label="Loading calls…" />}
      {state.status === 'error' && <ErrorAlert error={state.error} />}
      {viewAs === undefined && (
        <p className="list-actions">
          <a className="button-secondary" href={apiUrl('/calls/export.csv', listQuery)} download>
            Export to CSV
          </a>
        </p>
      )}
      {state.status === 'ready' && state.items.length === 0 && (
        <p className="empty">No calls match.</p>
      )}
      {state.status === 'ready' && state.items.length > 0 && (
        <>
          <table className="data-table calls-table">
            <caption className="visually-hidden">
              Calls, {(SORT_LABEL[sort] ?? SORT_LABEL['']!).toLowerCase()}
            </caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Employee</th>
                <th scope="col">Direction</th>
                <th scope="col">Number</th>
                <th scope="col">Duration</th>
                <th scope="col">Status</th>
                <th scope="col">Cost</th>
                <th scope="col">Recording</th>
              </tr>
            </thead>
            <tbody>
              {state.items.map((call) => (
                <tr key={call.id} data-testid="call-row">
                  <td data-label="When">
                    {viewAs === undefined ? (
                      <Link
                        to={`/calls/${encodeURIComponent(call.id)}`}
                        aria-label={`Call ${call.id}, ${formatDateTime(call.startedAt)}`}
                      >
                        {formatDateTime(call.startedAt)}
                      </Link>
                    ) : (
                      formatDateTime(call.startedAt)
                    )}
                  </td>
                  <td data-label="Employee">
                    {call.userName ?? userName(NO_DIRECTORY, call.userId)}
                  </td>
                  <td data-label="Direction">
                    {DIRECTION_LABEL[call.direction] ?? call.direction}
                  </td>
                  <td data-label="Number" className="nowrap">
                    {call.phoneNumber}
                  </td>
                  <td data-label="Duration">{formatDuration(call.durationSec)}</td>
                  <td data-label="Status">
                    <span className={`status status-${call.status}`}>
                      {STATUS_LABEL[call.status] ?? call.status}
                    </span>
                  </td>
                  <td data-label="Cost">{formatMoney(call.cost, call.currency)}</td>
                  <td data-label="Recording">{call.hasRecording ? 'Recorded' : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="list-footer">
            <span className="muted">
              {state.items.length} call{state.items.length === 1 ? '' : 's'} shown
            </span>
            {state.nextCursor !== null && (
              <button
                type="button"
                className="button-secondary"
                disabled={loadingMore}
                onClick={() => void loadMore()}
              >
                {loadingMore ? 'Loading…' : 'Load more'}
              </button>
            )}
          </div>
          {moreError !== null && (
            <p className="alert alert-error" role="alert">
              {moreError}
            </p>
          )}
        </>
      )}
    </section>
  );
}
