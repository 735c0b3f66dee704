import { type FormEvent, useCallback, useId, useMemo, useState } from 'react';
import { api } from '../api';
import { ErrorAlert, Loading, Notice, isVersionMismatch } from '../components/alert';
import { AccessCodePicker } from '../components/access-code-picker';
import { LevelChanges } from '../components/level-changes';
import { PlanNotice } from '../components/plan-notice';
import {
  type DraftRow,
  DraftTable,
  addDraftRow,
  draftItemsOf,
  draftRowsOf,
} from '../components/draft-rows';
import { SaveBar, peopleChanged } from '../components/save-bar';
import { describeAccessCode } from '../directory';
import { endOfDay, formatDateTime } from '../format';
import { useDebounced, useLoad, useTitle } from '../hooks';
import { useSession } from '../session';
import { levelIn, levelRank } from '../permissions';
import { useUnsavedChanges } from '../unsaved-changes';
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

/** Today in the browser's time zone, as a date input's value (YYYY-MM-DD). */
function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

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

type AssignmentRow = DraftRow<Assignment>;

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
  const { me, directory, refresh, catalogue } = useSession();
  const id = useId();
  const editable = me.account.canEditPermissions;
  const [rows, setRowsState] = useState<readonly AssignmentRow[]>(() => draftRowsOf(saved.items));
  const draft = useMemo(() => draftItemsOf(rows), [rows]);
  const setRows = (next: readonly AssignmentRow[]) => {
    onEdit();
    setRowsState(next);
  };
  const [error, setError] = useState<unknown>(null);
  const [rowProblem, setRowProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const who = (item: Assignment) => describeAccessCode(directory, item.accessCode);
  const isChanged = !sameItems(draft, saved.items);
  useUnsavedChanges(isChanged && !busy);
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
  // No escalation (SPEC §8): a role above the editor's own levels cannot be given.
  const isAboveMine = (role: Role) =>
    PERMISSION_KEYS.some(
      (key) =>
        levelRank(catalogue, key, role.permissions[key] ?? 'none') >
        levelRank(catalogue, key, levelIn(me.permissions, key)),
    );

  const changeRole = (index: number, roleId: string) => {
    const row = rows[index]!;
    if (
      rows.some(
        (other, i) =>
          i !== index &&
          !other.removed &&
          other.item.accessCode === row.item.accessCode &&
          other.item.roleId === roleId,
      )
    ) {
      setRowProblem(`${who(row.item)} already has the role “${roleName(roleId)}”.`);
      return;
    }
    setRowProblem(null);
    setRows(rows.map((r, i) => (i === index ? { ...r, item: { ...r.item, roleId } } : r)));
  };

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
        <DraftTable
          rows={rows}
          caption="Who holds which role"
          empty={<p className="empty">No assignments: only account administrators have access.</p>}
          className="data-table assignments-table"
          name={{ header: 'Who', cell: ({ item }) => who(item) }}
          columns={[
            {
              header: 'Role',
              cell: ({ item, from, removed }, index) =>
                editable && !removed ? (
                  <>
                    <select
                      aria-label={`Role of ${who(item)}`}
                      value={item.roleId}
                      onChange={(e) => changeRole(index, e.target.value)}
                    >
                      {roles.map((role) => (
                        <option
                          key={role.id}
                          value={role.id}
                          disabled={role.id !== from?.roleId && isAboveMine(role)}
                        >
                          {role.name}
                        </option>
                      ))}
                    </select>
                    {from !== null && from.roleId !== item.roleId && (
                      <span className="badge badge-new">was {roleName(from.roleId)}</span>
                    )}
                  </>
                ) : removed ? (
                  <del>{roleName(item.roleId)}</del>
                ) : (
                  roleName(item.roleId)
                ),
            },
            {
              header: 'Expires',
              cell: ({ item }) => (item.expiresAt ? formatDateTime(item.expiresAt) : 'Never'),
            },
          ]}
          rowKey={({ item, from }, index) =>
            `${index}/${from?.accessCode ?? item.accessCode}/${from?.roleId ?? ''}`
          }
          actions={
            editable
              ? {
                  onChange: setRows,
                  what: ({ item }) => `${roleName(item.roleId)} of ${who(item)}`,
                  removeLabel: ({ item }) => `Remove ${roleName(item.roleId)} from ${who(item)}`,
                  keepLabel: ({ item }) => `Keep ${roleName(item.roleId)} for ${who(item)}`,
                }
              : undefined
          }
        />
        {rowProblem !== null && (
          <p className="alert alert-error" role="alert">
            {rowProblem}
          </p>
        )}
      </section>

      {editable && (
        <AddAssignment
          roles={roles}
          draft={draft}
          isAboveMine={isAboveMine}
          onAdd={(item) => setRows(addDraftRow(rows, item))}
        />
      )}

      {isChanged && (
        <section
          className="card preview"
          id={`${id}-preview`}
          aria-labelledby={`${id}-preview-title`}
        >
          <h2 id={`${id}-preview-title`}>Preview of the change</h2>
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
        </section>
      )}
      {isChanged && (
        <SaveBar
          summary={
            isPreviewCurrent && preview.status === 'ready' && preview.data !== null
              ? peopleChanged(preview.data.changes)
              : undefined
          }
          previewId={`${id}-preview`}
          busy={busy}
          canSave={isPreviewCurrent && preview.status === 'ready'}
          onSave={() => void save()}
          onDiscard={() => {
            setRowProblem(null);
            setRows(draftRowsOf(saved.items));
          }}
        />
      )}
    </>
  );
}

function AddAssignment({
  roles,
  draft,
  isAboveMine,
  onAdd,
}: {
  readonly roles: readonly Role[];
  readonly draft: readonly Assignment[];
  readonly isAboveMine: (role: Role) => boolean;
  readonly onAdd: (item: Assignment) => void;
}) {
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
    // The server refuses it too (400 naming expiresAt); say so before anything is sent.
    if (expires !== '' && expires < today()) {
      setProblem('The expiry date is in the past. Choose today or a later date, or none.');
      return;
    }
    setProblem(null);
    onAdd({ roleId, accessCode: code, expiresAt: endOfDay(expires) ?? null });
    setResetKey((k) => k + 1);
    setExpires('');
  };

  return (
    // noValidate: the date input's min would stop the submit with the browser's bubble, before
    // the clear message below.
    <form className="card add-assignment" onSubmit={add} aria-labelledby={`${id}-title`} noValidate>
      <h2 id={`${id}-title`}>Add access permission</h2>
      <div className="form-grid">
        <AccessCodePicker onChange={onCode} resetKey={resetKey} />
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={roleId} onChange={(e) => setRoleId(e.target.value)}>
            <option value="">Choose a role…</option>
            {roles.map((role) => {
              const isAbove = isAboveMine(role);
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
            min={today()}
            aria-invalid={expires !== '' && expires < today() ? true : undefined}
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
