import { useEffect, useState } from 'react';
import { api } from '../api';
import { ErrorAlert, Loading, Notice } from '../components/alert';
import { LevelText } from '../components/level-text';
import { PlanNotice } from '../components/plan-notice';
import { describeAccessCode } from '../directory';
import { useLoad, useTitle } from '../hooks';
import { PERMISSION_TEXT, givenToAdministratorsOnly } from '../permissions';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';
import { type AssignmentSet, PERMISSION_KEYS, type Role } from '../types';

/** The roles of the account, what each gives, and to whom it is assigned. */
export function RolesPage() {
  useTitle('Roles');
  const { me, directory } = useSession();
  const { query } = useLocation();
  const data = useLoad(async (signal) => {
    const [roles, assignments] = await Promise.all([
      api.get<Role[]>('/roles', { signal }),
      api.get<AssignmentSet>('/role-assignments', { signal }),
    ]);
    return { roles, assignments };
  }, []);
  // The editor hands its success notice over in the URL; it is shown once and taken out of
  // the address, so a reload or a bookmark does not announce the change again.
  const [notice] = useState(() => query.get('notice'));
  useEffect(() => {
    if (new URLSearchParams(window.location.search).has('notice'))
      navigate('/admin/roles', { replace: true });
  }, []);

  return (
    <>
      <div className="page-header">
        <h1>Roles</h1>
        {me.account.canEditPermissions && (
          <Link to="/admin/roles/new" className="button-primary">
            Add role
          </Link>
        )}
      </div>
      <p className="lead">
        A role gives one level of every permission. Someone with several roles gets the highest
        level of each.
      </p>
      <PlanNotice />
      {notice !== null && <Notice tone="success">{notice}</Notice>}
      {data.status === 'loading' && <Loading />}
      {data.status === 'error' && <ErrorAlert error={data.error} />}
      {data.status === 'ready' && (
        <ul className="role-list">
          {data.data.roles.map((role) => {
            const assigned = data.data.assignments.items.filter((a) => a.roleId === role.id);
            const isAdministrators = givenToAdministratorsOnly(data.data.assignments, role.id);
            return (
              <li key={role.id} className="card role-card">
                <h2>
                  <Link to={`/admin/roles/${encodeURIComponent(role.id)}`}>{role.name}</Link>
                </h2>
                <dl className="role-levels">
                  {PERMISSION_KEYS.map((key) => (
                    <div
                      key={key}
                      className={role.permissions[key] === 'none' ? 'level-none' : undefined}
                    >
                      <dt>{PERMISSION_TEXT[key].label}</dt>
                      <dd>
                        <LevelText
                          permission={key}
                          level={role.permissions[key] ?? 'none'}
                          administrator={isAdministrators}
                        />
                      </dd>
                    </div>
                  ))}
                </dl>
                <p className="assigned">
                  <strong>Assigned to:</strong>{' '}
                  {assigned.length === 0
                    ? 'nobody yet'
                    : assigned.map((a) => describeAccessCode(directory, a.accessCode)).join('; ')}
                </p>
                <Link
                  to={`/admin/roles/${encodeURIComponent(role.id)}`}
                  className="button-secondary"
                  aria-label={`${me.account.canEditPermissions ? 'Edit' : 'View'} role ${role.name}`}
                >
                  {me.account.canEditPermissions ? 'Edit' : 'View'}
                </Link>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
