import { useState } from 'react';
import { answer, client } from '../api';
import { NO_DIRECTORY, userName } from '../directory';
import {
  endOfDay,
  formatCompact,
  formatDay,
  formatDuration,
  formatMoney,
  formatMoneyCompact,
  formatTalkTime,
  startOfDay,
} from '../format';
import { useLoad } from '../hooks';
import type { CallStats, CallTotals } from '../types';
import { ErrorAlert, Loading } from './alert';
import { BarChart, type ChartPoint } from './bar-chart';
import { CallFilters, type CallFilterValues, NO_FILTERS } from './call-filters';

const DAY_MS = 86_400_000;
/** Per-employee charts show the busiest this many until asked for all (2,000 bars made a 53,688 px page). */
export const TOP_EMPLOYEES = 20;

/** Per-day groups with the days that had no calls filled in, so the axis is continuous. */
function everyDay(groups: CallStats['groups']): CallStats['groups'] {
  const keyed = groups.filter((g): g is typeof g & { key: string } => g.key !== null);
  if (keyed.length === 0) return [];
  const byDay = new Map(keyed.map((g) => [g.key, g]));
  const first = Date.parse(`${keyed[0]!.key}T00:00:00Z`);
  const last = Date.parse(`${keyed.at(-1)!.key}T00:00:00Z`);
  const days: CallStats['groups'][number][] = [];
  for (let t = first; t <= last && days.length < 400; t += DAY_MS) {
    const key = new Date(t).toISOString().slice(0, 10);
    days.push(
      byDay.get(key) ?? {
        key,
        count: 0,
        answered: 0,
        missed: 0,
        totalDurationSec: 0,
        averageDurationSec: 0,
        totalCost: 0,
      },
    );
  }
  return days;
}

/**
 * Totals and charts of calls and minutes per day and per employee, over the calls the
 * viewer may see (the server counts only those: no total leaks a call out of scope).
 */
export function CallStatistics({ viewAs }: { readonly viewAs?: string }) {
  const [filters, setFilters] = useState<CallFilterValues>(NO_FILTERS);
  const [allEmployees, setAllEmployees] = useState(false);
  const period = { from: startOfDay(filters.from), to: endOfDay(filters.to), viewAs };
  // The tiles and all four charts from one request: per day, and per user beside it.
  const stats = useLoad(
    async (signal) => {
      const answered = await answer(
        client.GET('/api/v1/calls/stats', {
          params: { query: { ...period, groupBy: 'day', alsoByUser: true } },
          signal,
        }),
      );
      return {
        byDay: answered,
        byUser: { totals: answered.totals, groups: answered.byUser ?? [] },
      };
    },
    [filters.from, filters.to, viewAs],
  );

  return (
    <section aria-label="Call statistics">
      <CallFilters value={filters} onChange={setFilters} users={[]} periodOnly />
      {stats.status === 'loading' && stats.data === undefined && (
        <Loading label="Loading statistics…" />
      )}
      {stats.status === 'error' && <ErrorAlert error={stats.error} />}
      {stats.data !== undefined && (
        <div aria-busy={stats.status === 'loading'}>
          <Totals totals={stats.data.byDay.totals} />
          <div className="chart-grid-2">
            <BarChart
              title="Calls per day"
              unit="calls"
              points={dayPoints(stats.data.byDay, (g) => g.count)}
            />
            <BarChart
              title="Minutes per day"
              unit="minutes"
              points={dayPoints(stats.data.byDay, (g) => Math.round(g.totalDurationSec / 60))}
            />
            <BarChart
              title={employeeTitle('Calls per employee', stats.data.byUser, allEmployees)}
              unit="calls"
              orientation="horizontal"
              points={userPoints(stats.data.byUser, (g) => g.count, allEmployees)}
            />
            <BarChart
              title={employeeTitle('Minutes per employee', stats.data.byUser, allEmployees)}
              unit="minutes"
              orientation="horizontal"
              points={userPoints(
                stats.data.byUser,
                (g) => Math.round(g.totalDurationSec / 60),
                allEmployees,
              )}
            />
          </div>
          {stats.data.byUser.groups.length > TOP_EMPLOYEES && (
            <p className="chart-more">
              <button
                type="button"
                className="button-secondary"
                aria-pressed={allEmployees}
                onClick={() => setAllEmployees((all) => !all)}
              >
                {allEmployees
                  ? `Show the top ${TOP_EMPLOYEES} employees`
                  : `Show all ${stats.data.byUser.groups.length.toLocaleString()} employees`}
              </button>
            </p>
          )}
        </div>
      )}
    </section>
  );
}

/** Chart points per UTC day, the days without calls included. */
export function dayPoints(stats: CallStats, value: (totals: CallTotals) => number): ChartPoint[] {
  return everyDay(stats.groups).map((g) => ({ label: formatDay(g.key!), value: value(g) }));
}

/** The chart's points per employee, the highest first: the top ones unless `all`. */
/** One employee's totals, named by the server (so the page needs no directory). */
type UserGroup = NonNullable<CallStats['byUser']>[number];

function userPoints(
  stats: { readonly groups: readonly UserGroup[] },
  value: (totals: CallTotals) => number,
  all: boolean,
): ChartPoint[] {
  const points = stats.groups
    // No name: nobody took the calls, or the directory no longer has them (the id, then).
    .map((g) => ({ label: g.name ?? userName(NO_DIRECTORY, g.key), value: value(g) }))
    .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
  return all ? points : points.slice(0, TOP_EMPLOYEES);
}

function employeeTitle(
  title: string,
  stats: { readonly groups: readonly UserGroup[] },
  all: boolean,
): string {
  const count = stats.groups.length;
  return count > TOP_EMPLOYEES && !all
    ? `${title}: top ${TOP_EMPLOYEES} of ${count.toLocaleString()}`
    : title;
}

/**
 * The headline figures of a period: calls, answered, missed, talk time, average, cost.
 * Compact, so a tile holds a million calls on a phone; the exact figure is the tile's title.
 */
export function Totals({ totals }: { readonly totals: CallTotals }) {
  const items: [string, string, string][] = [
    ['Calls', formatCompact(totals.count), totals.count.toLocaleString()],
    ['Answered', formatCompact(totals.answered), totals.answered.toLocaleString()],
    ['Missed', formatCompact(totals.missed), totals.missed.toLocaleString()],
    [
      'Talk time',
      formatTalkTime(totals.totalDurationSec),
      `${Math.round(totals.totalDurationSec / 60).toLocaleString()} minutes`,
    ],
    [
      'Average call',
      formatDuration(totals.averageDurationSec),
      formatDuration(totals.averageDurationSec),
    ],
    ['Cost', formatMoneyCompact(totals.totalCost, 'USD'), formatMoney(totals.totalCost, 'USD')],
  ];
  return (
    <dl className="totals">
      {items.map(([label, value, exact]) => (
        <div key={label} className="total" data-testid="stats-tile">
          <dt>{label}</dt>
          <dd title={exact}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
