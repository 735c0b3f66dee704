import { type FormEvent, useId, useMemo, useState } from 'react';
import { api } from '../api';
import { ErrorAlert, Loading, Notice, isVersionMismatch } from '../components/alert';
import { LevelChanges } from '../components/level-changes';
import { PlanNotice } from '../components/plan-notice';
import { SaveBar, peopleChanged } from '../components/save-bar';
import { useDebounced, useLoad, useTitle } from '../hooks';
import {
  PERMISSION_GROUPS,
  PERMISSION_TEXT,
  givenToAdministratorsOnly,
  levelIn,
  levelLabel,
  levelRank,
  levelsOf,
} from '../permissions';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { useUnsavedChanges } from '../unsaved-changes';
import {
  type AssignmentSet,
  type DryRunAnswer,
  PERMISSION_KEYS,
  type PermissionKey,
  type Role,
} from '../types';

type Levels = Readonly<Record<PermissionKey, string>>;

const NO_ACCESS = Object.fromEntries(PERMISSION_KEYS.map((key) => [key, 'none'])) as Levels;

/**
 * The role editor, laid out as in the help pages: the role's name, then one row per
 * permission, grouped, with its levels as a radio group. New roles start with no access.
 */
export function RoleEditorPage({ roleId }: { readonly roleId?: string }) {
  const isNew = roleId === undefined;
  const roles = useLoad(async (signal) => {
    const [list, assignments] = await Promise.all([
      api.get<Role[]>('/roles', { signal }),
      api.get<AssignmentSet>('/role-assignments', { signal }),
    ]);
    return { list, assignments };
  }, []);
  const role = isNew ? null : roles.data?.list.find((r) => r.id === roleId);
  useTitle(isNew ? 'New role' : `Role ${role?.name ?? roleId}`);

  if (!isNew && roles.status === 'loading' && roles.data === undefined) return <Loading />;
  if (roles.status === 'error') return <ErrorAlert error={roles.error} />;
  if (!isNew && role === undefined)
    return (
      <>
        <h1>Role not found</h1>
        <p>
          There is no role “{roleId}” (any more). <Link to="/admin/roles">Back to the roles</Link>
        </p>
      </>
    );
  return (
    <RoleForm
      key={role ? `${role.id}/${role.version}` : 'new'}
      role={role ?? null}
      administrators={
        role !== undefined &&
        role !== null &&
        roles.data !== undefined &&
        givenToAdministratorsOnly(roles.data.assignments, role.id)
      }
      onReload={roles.reload}
    />
  );
}

function RoleForm({
  role,
  administrators,
  onReload,
}: {
  readonly role: Role | null;
  /** The role is given to account administrators only (their override, SPEC §4). */
  readonly administrators: boolean;
  readonly onReload: () => void;
}) {
  const { me, catalogue } = useSession();
  const id = useId();
  const editable = me.account.canEditPermissions;
  const initial = useMemo<Levels>(
    () => (role ? { ...NO_ACCESS, ...role.permissions } : NO_ACCESS),
    [role],
  );
  const [name, setName] = useState(role?.name ?? '');
  const [levels, setLevels] = useState<Levels>(initial);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState<DryRunAnswer | null>(null);

  const isAboveMine = (key: PermissionKey, level: string) =>
    levelRank(catalogue, key, level) > levelRank(catalogue, key, levelIn(me.permissions, key));
  const changed = role !== null && PERMISSION_KEYS.some((key) => levels[key] !== initial[key]);
  const settled = useDebounced(changed ? levels : null, 300);
  const preview = usePreview(role, settled);
  const isPreviewCurrent = settled === (changed ? levels : null) && preview.status !== 'loading';
  const isDirty =
    editable &&
    (name !== (role?.name ?? '') || PERMISSION_KEYS.some((key) => levels[key] !== initial[key]));
  useUnsavedChanges(isDirty && !busy);
  // The save bar's verdict: undefined while the preview is worked out.
  const summary =
    role === null
      ? 'Nobody has the new role until it is assigned.'
      : !changed
        ? 'Only the name changes: nobody’s access does.'
        : isPreviewCurrent && preview.status === 'error'
          ? 'The preview could not be worked out.'
          : isPreviewCurrent && preview.status === 'ready' && preview.data !== null
            ? peopleChanged(preview.data.changes)
            : undefined;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body = { name: name.trim(), permissions: levels };
    try {
      if (role === null) {
        await api.post<Role>('/roles', body);
        navigate(`/admin/roles?notice=${encodeURIComponent(`Role “${body.name}” created.`)}`, {
          force: true,
        });
      } else {
        await api.put<Role>(`/roles/${encodeURIComponent(role.id)}`, body, {
          ifMatch: role.version,
        });
        navigate(`/admin/roles?notice=${encodeURIComponent(`Role “${body.name}” saved.`)}`, {
          force: true,
        });
      }
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  const askDelete = async () => {
    if (role === null) return;
    setError(null);
    try {
      setDeleting(
        await api.delete<DryRunAnswer>(`/roles/${encodeURIComponent(role.id)}`, {
          query: { dryRun: 1 },
          ifMatch: role.version,
        }),
      );
    } catch (caught) {
      setError(caught);
    }
  };

  const confirmDelete = async () => {
    if (role === null) return;
    setBusy(true);
    try {
      await api.delete(`/roles/${encodeURIComponent(role.id)}`, { ifMatch: role.version });
      navigate(`/admin/roles?notice=${encodeURIComponent(`Role “${role.name}” deleted.`)}`, {
        force: true,
      });
    } catch (caught) {
      setError(caught);
      setDeleting(null);
      setBusy(false);
    }
  };

  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/roles">Roles</Link> / {role?.name ?? 'New role'}
      </p>
      <h1>
        {role === null ? 'New role' : editable ? `Edit role: ${role.name}` : `Role: ${role.name}`}
      </h1>
      <PlanNotice />
      {administrators && (
        <Notice>
          Everyone holding this role is an account administrator, and administrators have every
          permission at its highest level (the administrator override). The levels below apply to
          anyone else the role is given to.
        </Notice>
      )}
      <form className="role-form" onSubmit={(e) => void save(e)}>
        <fieldset className="role-fields" disabled={!editable || busy}>
          <legend className="visually-hidden">Role</legend>
          <div className="field">
            <label htmlFor={`${id}-name`}>Role name</label>
            <input
              id={`${id}-name`}
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          {PERMISSION_GROUPS.map((group) => (
            <section
              key={group.title}
              className="permission-group card"
              aria-labelledby={`${id}-${group.keys[0]}-group`}
            >
              <h2 id={`${id}-${group.keys[0]}-group`}>{group.title}</h2>
              {group.keys.map((key) => (
                <fieldset key={key} className="permission-row">
                  <legend>
                    <span className="permission-name">{PERMISSION_TEXT[key].label}</span>
                  </legend>
                  <p className="hint">
                    {PERMISSION_TEXT[key].description}
                    {administrators &&
                      levels[key] !== levelsOf(catalogue, key).at(-1) &&
                      ` Its administrators have: ${levelLabel(key, levelsOf(catalogue, key).at(-1) ?? 'none').toLowerCase()} (administrator override).`}
                    {isAboveMine(key, levelsOf(catalogue, key).at(-1) ?? 'none') &&
                      ` You can give up to your own level: ${levelLabel(key, levelIn(me.permissions, key)).toLowerCase()}.`}
                  </p>
                  <div className="levels">
                    {levelsOf(catalogue, key).map((level) => (
                      <label
                        key={level}
                        className={levels[key] === level ? 'level checked' : 'level'}
                      >
                        <input
                          type="radio"
                          name={`${id}-${key}`}
                          value={level}
                          checked={levels[key] === level}
                          // No escalation (SPEC §8): nobody gives a level above their own.
                          disabled={isAboveMine(key, level) && levels[key] !== level}
                          onChange={() => setLevels({ ...levels, [key]: level })}
                        />
                        {levelLabel(key, level)}
                      </label>
                    ))}
                  </div>
                </fieldset>
              ))}
            </section>
          ))}
        </fieldset>
        {role !== null && editable && changed && (
          <section
            className="card preview"
            id={`${id}-preview-card`}
            aria-labelledby={`${id}-preview`}
            aria-live="polite"
          >
            <h2 id={`${id}-preview`}>What this change does</h2>
            {!isPreviewCurrent && <Loading label="Working out who is affected…" />}
            {isPreviewCurrent && preview.status === 'error' && <ErrorAlert error={preview.error} />}
            {isPreviewCurrent && preview.status === 'ready' && preview.data !== null && (
              <LevelChanges
                changes={preview.data.changes}
                caption="Who gains or loses which level"
              />
            )}
          </section>
        )}
        {error !== null && (
          <ErrorAlert
            error={error}
            title={
              isVersionMismatch(error)
                ? 'Not saved: this role was changed meanwhile.'
                : 'Not saved.'
            }
          >
            {isVersionMismatch(error) && (
              <>
                {' '}
                Someone else saved this role after you opened it. Reload it to see their version,
                then make your change again.{' '}
                <button type="button" className="button-secondary" onClick={onReload}>
                  Reload the role
                </button>
              </>
            )}
          </ErrorAlert>
        )}
        {editable && (
          <div className="form-actions">
            <Link to="/admin/roles" className="button-secondary">
              {isDirty ? 'Cancel' : 'Back to the roles'}
            </Link>
            {role !== null && deleting === null && (
              <button type="button" className="button-danger" onClick={() => void askDelete()}>
                Delete role
              </button>
            )}
          </div>
        )}
        {isDirty && (
          <SaveBar
            summary={summary}
            previewId={role !== null && changed ? `${id}-preview-card` : undefined}
            busy={busy}
            canSave
            saveLabel={role === null ? 'Create role' : 'Save role'}
            onDiscard={() => {
              setName(role?.name ?? '');
              setLevels(initial);
              setError(null);
            }}
          />
        )}
      </form>
      {deleting !== null && role !== null && (
        <section className="card confirm-card" aria-labelledby={`${id}-delete`}>
          <h2 id={`${id}-delete`}>Delete “{role.name}”?</h2>
          <p>Its assignments are removed with it. What deleting it does:</p>
          <LevelChanges changes={deleting.changes} caption="Who loses which level" />
          <div className="form-actions">
            <button
              type="button"
              className="button-danger"
              disabled={busy}
              onClick={() => void confirmDelete()}
            >
              Delete role for good
            </button>
            <button type="button" className="button-secondary" onClick={() => setDeleting(null)}>
              Keep the role
            </button>
          </div>
        </section>
      )}
    </>
  );
}

/** The dry run of saving an existing role with `levels` (null: nothing to preview). */
function usePreview(role: Role | null, levels: Levels | null) {
  return useLoad<DryRunAnswer | null>(
    (signal) =>
      role === null || levels === null
        ? Promise.resolve(null)
        : api.put<DryRunAnswer>(
            `/roles/${encodeURIComponent(role.id)}`,
            // The name changes nobody's access: preview the levels under the stored name.
            { name: role.name, permissions: levels },
            { query: { dryRun: 1 }, ifMatch: role.version, signal },
          ),
    [role, levels],
  );
}
