import { CallStatistics } from '../components/call-statistics';
import { useTitle } from '../hooks';
import { levelIn, yourLevelLabel } from '../permissions';
import { Link } from '../router';
import { useSignedIn } from '../session';

/** Totals and charts over the calls the signed-in user may see. */
export function StatisticsPage() {
  useTitle('Call statistics');
  const { me } = useSignedIn();
  const level = levelIn(me.permissions, 'callStats.view');
  return (
    <>
      <div className="page-header">
        <h1>Call statistics</h1>
        <Link to="/calls" className="button-secondary">
          Call list
        </Link>
      </div>
      <p className="lead">
        Counted over <strong>{yourLevelLabel('callStats.view', level).toLowerCase()}</strong>: calls
        outside your access are never included. Days are UTC days.
      </p>
      <CallStatistics />
    </>
  );
}
