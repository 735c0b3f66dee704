import { CallList } from '../components/call-list';
import { CallSummary } from '../components/call-summary';
import { useTitle } from '../hooks';
import { levelIn, yourLevelLabel } from '../permissions';
import { Link } from '../router';
import { useSession } from '../session';

/** The call list of the signed-in user: only the calls their callStats.view reaches. */
export function CallsPage() {
  useTitle('Calls');
  const { me } = useSession();
  const level = levelIn(me.permissions, 'callStats.view');
  return (
    <>
      <div className="page-header">
        <h1>Calls</h1>
        <Link to="/statistics" className="button-secondary">
          Statistics
        </Link>
      </div>
      <p className="lead">
        You see: <strong>{yourLevelLabel('callStats.view', level).toLowerCase()}</strong>. Open a
        call for its details and recording.
      </p>
      <CallList
        actorId={me.user.id}
        level={level}
        summary={(period) => <CallSummary {...period} />}
      />
    </>
  );
}
