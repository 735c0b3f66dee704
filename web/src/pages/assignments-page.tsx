import { type FormEvent, useCallback, useId, useState } from 'react';
import { api } from '../api';
import { ErrorAlert, Loading, Notice, isVersionMismatch } from '../components/alert';
import { AccessCodePicker } from '../components/access-code-picker';
import { LevelChanges } from '../components/level-changes';
import { PlanNotice } from '../components/plan-notice';
import { describeAccessCode } from '../directory';
import { endOfDay, formatDateTime } from '../format';
import { useDebounced, useLoad, useTitle } from '../hooks';
import { useSession } from '../session';
import { levelIn, levelRank } from '../permissions';
import {
  type Assignment,
  type AssignmentSet,
  type DryRunAnswer,
  PERMISSION_KEYS,
  type Role,
} from '../types';

const sameItems = (a: readonly Assignment[], b: readonly Assignment[]) =>
  a.length === b.length &&
  a.every(
    (item, i) =>
      item.roleId === b[i]?.roleId &&
      item.accessCode === b[i]?.accessCode &&
      (item.expiresAt ?? null) === (b[i]?.expiresAt ?? null),
  );

/**
 * Who holds which role: the assignment set, edited as a draft ("Add access permission"),
 * previewed (a dry run: who gains or loses which level, by name) and saved as one change.
 */
export function AssignmentsPage() {
  useTitle('Assignments');
  const [notice, setNotice] = useState<string | null>(null);
  const data = useLoad(async (signal) => {
    const [roles, set] = await Promise.all([
      api.get<Role[]>('/roles', { signal }),
      api.get<AssignmentSet>('/role-assignments', { signal }),
    ]);
    return { roles, set };
  }, []);

  return (
    <>
      <h1>Assignments</h1>
      <p className="lead">
        Give roles to users, departments (with or without their sub-departments), workgroups, user
        groups, administrators or everyone. Nothing is saved until you have seen what the change
        does.
      </p>
      <PlanNotice />
      {notice !== null && <Notice tone="success">{notice}</Notice>}
      {data.status === 'loading' && data.data === undefined && <Loading />}
      {data.status === 'error' && <ErrorAlert error={data.error} />}
      {data.data !== undefined && data.status !== 'error' && (
        <AssignmentEditor
          key={data.data.set.version}
          roles={data.data.roles}
          saved={data.data.set}
          onReload={data.reload}
          onSaved={() => {
            setNotice('The assignments were saved. They apply from the next request.');
            data.reload();
          }}
          onEdit={() => setNotice(null)}
        />
      )}
    </>
  );
}

function AssignmentEditor({
  roles,
  saved,
  onReload,
  onSaved,
  onEdit,
}: {
  readonly roles: readonly Role[];
  readonly saved: AssignmentSet;
  readonly onReload: () => void;
  readonly onSaved: () => void;
  readonly onEdit: () => void;
}) {
  const { me, directory, refresh } = useSession();
  const id = useId();
  const editable = me.account.canEditPermissions;
  const [draft, setDraftState] = useState<readonly Assignment[]>(saved.items);
  const setDraft = (items: readonly Assignment[]) => {
    onEdit();
    setDraftState(items);
  };
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const isChanged = !sameItems(draft, saved.items);
  const settledDraft = useDebounced(draft, 250);
  const isPreviewCurrent = settledDraft === draft;

  const preview = useLoad<DryRunAnswer | null>(
    (signal) =>
      sameItems(settledDraft, saved.items)
        ? Promise.resolve(null)
        : api.put<DryRunAnswer>(
            '/role-assignments',
            { items: settledDraft },
            { query: { dryRun: 1 }, ifMatch: saved.version, signal },
          ),
    [settledDraft],
  );

  const roleName = (roleId: string) => roles.find((r) => r.id === roleId)?.name ?? roleId;

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.put<AssignmentSet>(
        '/role-assignments',
        { items: draft },
        { ifMatch: saved.version },
      );
      // My own permissions may have changed with the set.
      await refresh();
      onSaved();
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  return (
    <>
      <section className="card" aria-labelledby={`${id}-current`}>
        <h2 id={`${id}-current`}>
          {isChanged ? 'Assignments (changed, not saved yet)' : 'Assignments'}
        </h2>
        {draft.length === 0 ? (
          <p className="empty">No assignments: only account administrators have access.</p>
        ) : (
          <table className="data-table">
            <caption className="visually-hidden">Who holds which role</caption>
            <thead>
              <tr>
                <th scope="col">Who</th>
                <th scope="col">Role</th>
                <th scope="col">Expires</th>
                {editable && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {draft.map((item, index) => {
                const who = describeAccessCode(directory, item.accessCode);
                const isNew = !saved.items.some(
                  (s) => s.accessCode === item.accessCode && s.roleId === item.roleId,
                );
                return (
                  <tr
                    key={`${item.accessCode}/${item.roleId}`}
                    className={isNew ? 'row-new' : undefined}
                  >
                    <td data-label="Who">
                      {who}
                      {isNew && <span className="badge badge-new">new</span>}
                    </td>
                    <td data-label="Role">{roleName(item.roleId)}</td>
                    <td data-label="Expires">
                      {item.expiresAt ? formatDateTime(item.expiresAt) : 'Never'}
                    </td>
                    {editable && (
                      <td data-label="">
                        <button
                          type="button"
                          className="button-secondary button-small"
                          aria-label={`Remove ${roleName(item.roleId)} from ${who}`}
                          onClick={() => setDraft(draft.filter((_, i) => i !== index))}
                        >
                          Remove
                        </button>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      {editable && (
        <AddAssignment roles={roles} draft={draft} onAdd={(item) => setDraft([...draft, item])} />
      )}

      {isChanged && (
        <section className="card preview" aria-labelledby={`${id}-preview`}>
          <h2 id={`${id}-preview`}>Preview of the change</h2>
          <div aria-live="polite">
            {(!isPreviewCurrent || preview.status === 'loading') && (
              <Loading label="Working out who gains or loses access…" />
            )}
            {isPreviewCurrent && preview.status === 'error' && <ErrorAlert error={preview.error} />}
            {isPreviewCurrent && preview.status === 'ready' && preview.data !== null && (
              <LevelChanges
                changes={preview.data.changes}
                caption="Who gains or loses which level"
              />
            )}
          </div>
          {error !== null && (
            <ErrorAlert
              error={error}
              title={
                isVersionMismatch(error)
                  ? 'Not saved: the assignments were changed meanwhile.'
                  : 'Not saved.'
              }
            >
              {isVersionMismatch(error) && (
                <>
                  {' '}
                  Someone else saved assignments after you opened this page. Reload to see theirs,
                  then make your change again.{' '}
                  <button type="button" className="button-secondary" onClick={onReload}>
                    Reload assignments
                  </button>
                </>
              )}
            </ErrorAlert>
          )}
          <div className="form-actions">
            <button
              type="button"
              className="button-primary"
              disabled={busy || !isPreviewCurrent || preview.status !== 'ready'}
              onClick={() => void save()}
            >
              {busy ? 'Saving…' : 'Save changes'}
            </button>
            <button
              type="button"
              className="button-secondary"
              disabled={busy}
              onClick={() => setDraft(saved.items)}
            >
              Discard changes
            </button>
          </div>
        </section>
      )}
    </>
  );
}

function AddAssignment({
  roles,
  draft,
  onAdd,
}: {
  readonly roles: readonly Role[];
  readonly draft: readonly Assignment[];
  readonly onAdd: (item: Assignment) => void;
}) {
  const { me, catalogue } = useSession();
  const id = useId();
  const [code, setCode] = useState<string | null>(null);
  const [roleId, setRoleId] = useState('');
  const [expires, setExpires] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [resetKey, setResetKey] = useState(0);
  const onCode = useCallback((value: string | null) => setCode(value), []);

  const add = (event: FormEvent) => {
    event.preventDefault();
    if (code === null || roleId === '') {
      setProblem('Choose whom and which role first.');
      return;
    }
    if (draft.some((item) => item.accessCode === code && item.roleId === roleId)) {
      setProblem('They already have this role.');
      return;
    }
    setProblem(null);
    onAdd({ roleId, accessCode: code, expiresAt: endOfDay(expires) ?? null });
    setResetKey((k) => k + 1);
    setExpires('');
  };

  return (
    <form className="card add-assignment" onSubmit={add} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Add access permission</h2>
      <div className="form-grid">
        <AccessCodePicker onChange={onCode} resetKey={resetKey} />
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={roleId} onChange={(e) => setRoleId(e.target.value)}>
            <option value="">Choose a role…</option>
            {roles.map((role) => {
              // No escalation (SPEC §8): a role above the editor's own levels cannot be given.
              const isAbove = PERMISSION_KEYS.some(
                (key) =>
                  levelRank(catalogue, key, role.permissions[key] ?? 'none') >
                  levelRank(catalogue, key, levelIn(me.permissions, key)),
              );
              return (
                <option key={role.id} value={role.id} disabled={isAbove}>
                  {role.name}
                  {isAbove ? ' (gives more than your own access)' : ''}
                </option>
              );
            })}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-expires`}>Expires after (optional)</label>
          <input
            id={`${id}-expires`}
            type="date"
            value={expires}
            onChange={(e) => setExpires(e.target.value)}
          />
        </div>
      </div>
      {problem !== null && (
        <p className="alert alert-error" role="alert">
          {problem}
        </p>
      )}
      <button type="submit" className="button-primary">
        Add
      </button>
    </form>
  );
}
