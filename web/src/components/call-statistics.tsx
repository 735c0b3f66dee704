import { useState } from 'react';
import { api } from '../api';
import { userName } from '../directory';
import {
  endOfDay,
  formatDay,
  formatDuration,
  formatMinutes,
  formatMoney,
  startOfDay,
} from '../format';
import { useLoad } from '../hooks';
import { useSession } from '../session';
import type { CallStats, CallTotals } from '../types';
import { ErrorAlert, Loading } from './alert';
import { BarChart, type ChartPoint } from './bar-chart';
import { CallFilters, type CallFilterValues, NO_FILTERS } from './call-filters';

const DAY_MS = 86_400_000;

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
  const { directory } = useSession();
  const [filters, setFilters] = useState<CallFilterValues>(NO_FILTERS);
  const period = { from: startOfDay(filters.from), to: endOfDay(filters.to), viewAs };
  const stats = useLoad(
    async (signal) => {
      const [byDay, byUser] = await Promise.all([
        api.get<CallStats>('/calls/stats', { query: { ...period, groupBy: 'day' }, signal }),
        api.get<CallStats>('/calls/stats', { query: { ...period, groupBy: 'user' }, signal }),
      ]);
      return { byDay, byUser };
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
              title="Calls per employee"
              unit="calls"
              orientation="horizontal"
              points={userPoints(
                stats.data.byUser,
                (g) => g.count,
                (id) => userName(directory, id),
              )}
            />
            <BarChart
              title="Minutes per employee"
              unit="minutes"
              orientation="horizontal"
              points={userPoints(
                stats.data.byUser,
                (g) => Math.round(g.totalDurationSec / 60),
                (id) => userName(directory, id),
              )}
            />
          </div>
        </div>
      )}
    </section>
  );
}

/** Chart points per UTC day, the days without calls included. */
export function dayPoints(stats: CallStats, value: (totals: CallTotals) => number): ChartPoint[] {
  return everyDay(stats.groups).map((g) => ({ label: formatDay(g.key!), value: value(g) }));
}

function userPoints(
  stats: CallStats,
  value: (totals: CallTotals) => number,
  name: (id: string | null) => string,
): ChartPoint[] {
  return stats.groups
    .map((g) => ({ label: name(g.key), value: value(g) }))
    .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
}

/** The headline figures of a period: calls, answered, missed, talk time, average, cost. */
export function Totals({ totals }: { readonly totals: CallTotals }) {
  const items: [string, string][] = [
    ['Calls', totals.count.toLocaleString()],
    ['Answered', totals.answered.toLocaleString()],
    ['Missed', totals.missed.toLocaleString()],
    ['Talk time', formatMinutes(totals.totalDurationSec)],
    ['Average call', formatDuration(totals.averageDurationSec)],
    ['Cost', formatMoney(totals.totalCost, 'USD')],
  ];
  return (
    <dl className="totals">
      {items.map(([label, value]) => (
        <div key={label} className="total">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
