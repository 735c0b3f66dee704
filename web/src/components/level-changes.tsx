import { levelLabel, levelRank, permissionLabel } from '../permissions';
import { useSignedIn } from '../session';
import type { LevelChange } from '../types';

/**
 * The preview of a change (a dry run's answer): who gains or loses which level, by name,
 * before anything is saved.
 */
export function LevelChanges({
  changes,
  caption,
}: {
  readonly changes: readonly LevelChange[];
  readonly caption: string;
}) {
  const { catalogue } = useSignedIn();
  if (changes.length === 0) {
    return <p className="muted">Nobody’s access changes.</p>;
  }
  const people = new Set(changes.map((c) => c.userId)).size;
  const sorted = [...changes].sort(
    (a, b) => a.userName.localeCompare(b.userName) || a.permission.localeCompare(b.permission),
  );
  return (
    <>
      <p>
        {people} {people === 1 ? 'person' : 'people'}, {changes.length} change
        {changes.length === 1 ? '' : 's'}:
      </p>
      <table className="data-table changes-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Employee</th>
            <th scope="col">Permission</th>
            <th scope="col">Now</th>
            <th scope="col">After saving</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((change) => {
            const gains =
              levelRank(catalogue, change.permission, change.to) >
              levelRank(catalogue, change.permission, change.from);
            return (
              <tr key={`${change.userId}/${change.permission}`} className={gains ? 'gain' : 'loss'}>
                <td data-label="Employee">{change.userName}</td>
                <td data-label="Permission">{permissionLabel(change.permission)}</td>
                <td data-label="Now">{levelLabel(change.permission, change.from)}</td>
                <td data-label="After saving">
                  <span className={gains ? 'change-gain' : 'change-loss'}>
                    {gains ? 'gains ' : 'loses to '}
                    {levelLabel(change.permission, change.to)}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
