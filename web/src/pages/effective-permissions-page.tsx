import { useId, useState } from 'react';
import { api } from '../api';
import { ErrorAlert, Loading, Notice } from '../components/alert';
import { CallList } from '../components/call-list';
import { CallStatistics } from '../components/call-statistics';
import { Combobox } from '../components/combobox';
import { describeAccessCode, userName } from '../directory';
import { useLoad, useTitle } from '../hooks';
import { PERMISSION_GROUPS, PERMISSION_TEXT, levelLabel } from '../permissions';
import { navigate, useLocation } from '../router';
import { useSession } from '../session';
import type { EffectivePermission, EffectivePermissions } from '../types';

/**
 * Pick a user and see each permission's level and why: the role and the access code it
 * came through, or the administrator rule. Then "view as" that user: their call list and
 * statistics exactly as the server would answer them.
 */
export function EffectivePermissionsPage() {
  useTitle('Effective permissions');
  const { directory } = useSession();
  const { query } = useLocation();
  const userId = query.get('user') ?? '';
  const user = directory.users.find((u) => u.id === userId);

  return (
    <>
      <h1>Effective permissions</h1>
      <p className="lead">
        What someone may do, and why. Roles combine: each permission takes the highest level of all
        the roles someone holds.
      </p>
      <div className="inline-field">
        <Combobox
          label="Employee"
          kind="user"
          placeholder="Search by name, email, phone or id…"
          value={user === undefined ? null : { id: user.id, name: user.name, active: user.active }}
          onChange={(item) =>
            navigate(
              item === null
                ? '/admin/effective'
                : `/admin/effective?user=${encodeURIComponent(item.id)}`,
            )
          }
        />
      </div>
      {userId !== '' && <UserPermissions key={userId} userId={userId} />}
    </>
  );
}

function UserPermissions({ userId }: { readonly userId: string }) {
  const { directory, me } = useSession();
  const id = useId();
  const [view, setView] = useState<'calls' | 'statistics' | null>(null);
  const name = userName(directory, userId);
  const user = directory.users.find((u) => u.id === userId);
  const permissions = useLoad(
    (signal) =>
      api.get<EffectivePermissions>(`/users/${encodeURIComponent(userId)}/effective-permissions`, {
        signal,
      }),
    [userId],
  );

  if (permissions.status === 'loading') return <Loading />;
  if (permissions.status === 'error') return <ErrorAlert error={permissions.error} />;
  const callLevel = permissions.data['callStats.view']?.level ?? 'none';

  return (
    <>
      {user && !user.active && (
        <Notice tone="warning">
          {name} is inactive: inactive users hold no access codes and can do nothing.
        </Notice>
      )}
      {user?.admin && (
        <Notice>
          {name} is an account administrator: administrators always have the highest level of every
          permission, whatever the roles say.
        </Notice>
      )}
      <table className="data-table effective-table">
        <caption>Permissions of {name}</caption>
        <thead>
          <tr>
            <th scope="col">Permission</th>
            <th scope="col">Level</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {PERMISSION_GROUPS.flatMap((group) => group.keys).map((key) => {
            const effective = permissions.data[key];
            return (
              <tr key={key} data-permission={key}>
                <th scope="row" data-label="Permission">
                  {PERMISSION_TEXT[key].label}
                </th>
                <td data-label="Level">
                  <span
                    className={effective?.level === 'none' ? 'level-pill level-none' : 'level-pill'}
                  >
                    {levelLabel(key, effective?.level ?? 'none')}
                  </span>
                </td>
                <td data-label="Why">
                  <Reasons effective={effective} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      {/* Seeing as another user is for account administrators only: the server refuses it to
          anyone else, whose own call scope may be narrower than the other user's. */}
      {me.user.admin && (
        <section className="card view-as" aria-labelledby={`${id}-view-as`}>
          <h2 id={`${id}-view-as`}>View as {name}</h2>
          <p>See the call list and statistics exactly as {name} sees them.</p>
          <div className="button-row">
            <button
              type="button"
              className="button-secondary"
              aria-pressed={view === 'calls'}
              onClick={() => setView('calls')}
            >
              Calls as {name}
            </button>
            <button
              type="button"
              className="button-secondary"
              aria-pressed={view === 'statistics'}
              onClick={() => setView('statistics')}
            >
              Statistics as {name}
            </button>
          </div>
          {view !== null && callLevel === 'none' && (
            <p className="empty">{name} may not see any calls.</p>
          )}
          {view === 'calls' && callLevel !== 'none' && (
            <CallList actorId={userId} level={callLevel} viewAs={userId} />
          )}
          {view === 'statistics' && callLevel !== 'none' && <CallStatistics viewAs={userId} />}
        </section>
      )}
    </>
  );
}

function Reasons({ effective }: { readonly effective: EffectivePermission | undefined }) {
  const { directory } = useSession();
  if (effective === undefined) return <span className="muted">Unknown permission</span>;
  const lines: string[] = [];
  if (effective.admin) lines.push('Account administrator: always the highest level');
  for (const source of effective.sources)
    lines.push(
      `Role “${source.roleName}” through ${describeAccessCode(directory, source.accessCode)}`,
    );
  if (lines.length === 0) return <span className="muted">No role gives this permission</span>;
  return (
    <ul className="reasons">
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}
