import { type FormEvent, useId, useState } from 'react';
import { api } from '../api';
import { ErrorAlert, Loading, Notice } from '../components/alert';
import { CallList } from '../components/call-list';
import { CallStatistics } from '../components/call-statistics';
import { Combobox } from '../components/combobox';
import { LevelText } from '../components/level-text';
import { userName } from '../directory';
import { useLoad, useTitle } from '../hooks';
import { PERMISSION_GROUPS, PERMISSION_TEXT } from '../permissions';
import { closingRule, wordCheck, wordReason } from '../reasons';
import { navigate, useLocation } from '../router';
import { useSession } from '../session';
import type { CheckAnswer, EffectivePermission, EffectivePermissions } from '../types';

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
            const closing = closingRule(effective?.reasons);
            return (
              <tr key={key} data-permission={key}>
                <th scope="row" data-label="Permission">
                  {PERMISSION_TEXT[key].label}
                </th>
                <td data-label="Level">
                  <LevelText
                    permission={key}
                    level={effective?.level ?? 'none'}
                    administrator={effective?.admin === true}
                    {...(closing !== undefined && {
                      closed: `the “Recorded calls” folder is closed to ${userId === me.user.id ? 'you' : name}`,
                    })}
                  />
                </td>
                <td data-label="Why">
                  <Reasons effective={effective} userId={userId} />
                  {key === 'outboundCall.perform' && effective?.lines !== undefined && (
                    <Lines lines={effective.lines} />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      {user?.active === true && <TryNumber userId={userId} name={name} />}

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

/** Why a level is what it is: the reasons the check gives, worded by reasons.ts. */
function Reasons({
  effective,
  userId,
}: {
  readonly effective: EffectivePermission | undefined;
  readonly userId: string;
}) {
  const { directory, me } = useSession();
  if (effective === undefined) return <span className="muted">Unknown permission</span>;
  const wording = { directory, readerId: me.user.id, subjectId: userId };
  const lines = (effective.reasons ?? []).map((reason) => wordReason(reason, wording));
  if (lines.length === 0) return <span className="muted">No role gives this permission</span>;
  return (
    <ul className="reasons">
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}

/** Line access (SPEC §5 rule 5): the lines the account rents, and which this user may use. */
function Lines({ lines }: { readonly lines: readonly { line: string; allowed: boolean }[] }) {
  if (lines.length === 0) return null;
  return (
    <p className="line-access">
      Lines:{' '}
      {lines.map(({ line, allowed }, i) => (
        <span key={line} data-line={line} data-allowed={allowed}>
          {i > 0 && ', '}
          {line} {allowed ? '(may call out)' : '(kept for others)'}
        </span>
      ))}
    </p>
  );
}

/**
 * The outbound rules (blocked numbers, destination policy, line access, level) for one
 * number, answered by the same check the dial pad asks: no second evaluator here.
 */
function TryNumber({ userId, name }: { readonly userId: string; readonly name: string }) {
  const { directory, me } = useSession();
  const id = useId();
  const [number, setNumber] = useState('');
  const [answer, setAnswer] = useState<CheckAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const check = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setAnswer(null);
    try {
      setAnswer(
        await api.post<CheckAnswer>('/permissions/check', {
          userId,
          permission: 'outboundCall.perform',
          phoneNumber: number,
        }),
      );
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <form className="card try-number" onSubmit={(e) => void check(e)}>
      <h2>May {userId === me.user.id ? 'you' : name} call a number?</h2>
      <div className="inline-field">
        <label htmlFor={`${id}-number`}>Number</label>
        <input
          id={`${id}-number`}
          type="tel"
          value={number}
          onChange={(e) => setNumber(e.target.value)}
          required
        />
        <button type="submit" className="button-secondary">
          Check
        </button>
      </div>
      <div role="status" aria-live="polite">
        {answer !== null && (
          <p
            className={answer.allowed ? 'verdict-allowed' : 'verdict-denied'}
            data-rule={answer.rule}
          >
            {wordCheck(answer, 'outboundCall.perform', {
              directory,
              readerId: me.user.id,
              subjectId: userId,
            })}
          </p>
        )}
      </div>
      {error !== null && <ErrorAlert error={error} />}
    </form>
  );
}
