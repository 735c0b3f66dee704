import { answer, client } from '../api';
import { useLoad, useMediaQuery } from '../hooks';
import { Link } from '../router';
import { ErrorAlert } from './alert';
import { BarChart } from './bar-chart';
import { Totals, dayPoints } from './call-statistics';

/**
 * The figures above the call list: totals and calls per day for the chosen period, over
 * every call the viewer may see (the statistics page breaks them down further).
 */
export function CallSummary({ from, to }: { readonly from?: string; readonly to?: string }) {
  const isNarrow = useMediaQuery('(max-width: 720px)');
  const stats = useLoad(
    (signal) =>
      answer(
        client.GET('/api/v1/calls/stats', {
          params: { query: { from, to, groupBy: 'day' } },
          signal,
        }),
      ),
    [from, to],
  );
  if (stats.status === 'error') return <ErrorAlert error={stats.error} title="No statistics:" />;
  if (stats.data === undefined) return <div className="summary-placeholder" aria-hidden="true" />;
  return (
    <section
      className="call-summary"
      aria-label="Summary of the period"
      aria-busy={stats.status === 'loading'}
    >
      <Totals totals={stats.data.totals} />
      <BarChart
        title="Calls per day"
        unit="calls"
        wide={!isNarrow}
        points={dayPoints(stats.data, (g) => g.count)}
      />
      <p className="summary-more">
        Over every call you may see, all directions. <Link to="/statistics">More statistics</Link>
      </p>
    </section>
  );
}
