import { type CallFilterValues, NO_FILTERS } from '../components/call-filters';
import { CallList } from '../components/call-list';
import { CallSummary } from '../components/call-summary';
import { useTitle } from '../hooks';
import { levelIn, yourLevelLabel } from '../permissions';
import { Link, navigate, useLocation } from '../router';
import { useSignedIn } from '../session';

const FILTER_KEYS = Object.keys(NO_FILTERS) as (keyof CallFilterValues)[];

/** The filters a calls page URL holds (`/calls?status=missed&sort=-cost`). */
function filtersOf(query: URLSearchParams): CallFilterValues {
  return Object.fromEntries(
    FILTER_KEYS.map((key) => [key, query.get(key) ?? '']),
  ) as unknown as CallFilterValues;
}

/**
 * The call list of the signed-in user: only the calls their callStats.view reaches. Its
 * filters live in the URL, so a reload, a bookmark or the back button keeps them; typing
 * a number replaces the entry rather than adding one per keystroke.
 */
export function CallsPage() {
  useTitle('Calls');
  const { me } = useSignedIn();
  const level = levelIn(me.permissions, 'callStats.view');
  const { query } = useLocation();
  const filters = filtersOf(query);
  const setFilters = (next: CallFilterValues) => {
    const params = new URLSearchParams();
    for (const key of FILTER_KEYS) if (next[key] !== '') params.set(key, next[key]);
    const typing = FILTER_KEYS.every((key) => key === 'phoneNumber' || next[key] === filters[key]);
    const search = params.toString();
    navigate(search === '' ? '/calls' : `/calls?${search}`, { replace: typing });
  };
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
        filters={filters}
        onFiltersChange={setFilters}
        summary={(period) => <CallSummary {...period} />}
      />
    </>
  );
}
