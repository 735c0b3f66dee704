import { useEffect, useId, useState } from 'react';
import { departmentTree } from '../directory';
import { useSession } from '../session';

/** The kinds of access code (SPEC §3) in the words of the help pages. */
const KINDS = [
  { value: 'user', label: 'User', target: 'users' },
  { value: 'departmentTree', label: 'Department, with sub-departments', target: 'departments' },
  {
    value: 'department',
    label: 'Department only (without sub-departments)',
    target: 'departments',
  },
  { value: 'group', label: 'User group (on-premise only)', target: 'groups' },
  { value: 'workgroup:owner', label: 'Workgroup: owner', target: 'workgroups' },
  { value: 'workgroup:moderators', label: 'Workgroup: owner and moderators', target: 'workgroups' },
  { value: 'workgroup:members', label: 'Workgroup: all members', target: 'workgroups' },
  { value: 'admins', label: 'Account administrators', target: null },
  { value: 'everyone', label: 'Everyone (all active users)', target: null },
] as const;

type Kind = (typeof KINDS)[number]['value'];

const TARGET_LABEL = {
  users: 'User',
  departments: 'Department',
  groups: 'User group',
  workgroups: 'Workgroup',
} as const;

/** Builds the access code for a kind and a target id. */
function codeOf(kind: Kind, target: string): string | null {
  switch (kind) {
    case 'admins':
    case 'everyone':
      return kind;
    case 'user':
    case 'department':
    case 'departmentTree':
    case 'group':
      return target === '' ? null : `${kind}:${target}`;
    case 'workgroup:owner':
    case 'workgroup:moderators':
    case 'workgroup:members': {
      if (target === '') return null;
      const part = kind.split(':')[1]!;
      return `workgroup:${target}:${part}`;
    }
  }
}

/**
 * "Whom": a kind (user, department with or without sub-departments, user group, workgroup
 * owner / moderators / members, administrators, everyone) and, for most kinds, which one.
 * Tells its parent the access code chosen, or null while the choice is incomplete.
 */
export function AccessCodePicker({
  onChange,
  resetKey,
  label = 'Give access to',
}: {
  readonly onChange: (code: string | null) => void;
  /** The label of the kind selector. */
  readonly label?: string;
  /** Changing it clears the choice (after the parent has used it). */
  readonly resetKey?: number;
}) {
  const { directory, me } = useSession();
  const id = useId();
  const [kind, setKind] = useState<Kind>('user');
  const [target, setTarget] = useState('');
  const isOnPremise = me.account.edition === 'on-premise';

  useEffect(() => setTarget(''), [resetKey]);
  useEffect(() => onChange(codeOf(kind, target)), [kind, target, onChange]);

  const targetKind = KINDS.find((k) => k.value === kind)!.target;
  const options = (() => {
    switch (targetKind) {
      case 'users':
        return directory.users
          .slice()
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((u) => ({ id: u.id, name: u.active ? u.name : `${u.name} (inactive)` }));
      case 'departments':
        return departmentTree(directory).map(({ department, depth }) => ({
          id: department.id,
          name: `${'\u00a0\u00a0'.repeat(depth)}${department.name}`,
        }));
      case 'groups':
        return directory.userGroups.map((g) => ({ id: g.id, name: g.name }));
      case 'workgroups':
        return directory.workgroups.map((w) => ({ id: w.id, name: w.name }));
      case null:
        return [];
    }
  })();

  return (
    <div className="picker">
      <div className="field">
        <label htmlFor={`${id}-kind`}>{label}</label>
        <select
          id={`${id}-kind`}
          value={kind}
          onChange={(e) => {
            setKind(e.target.value as Kind);
            setTarget('');
          }}
        >
          {KINDS.map((k) => (
            <option key={k.value} value={k.value} disabled={k.value === 'group' && !isOnPremise}>
              {k.label}
            </option>
          ))}
        </select>
        {!isOnPremise && (
          <p className="hint">
            User groups exist on the on-premise edition only; this account is in the cloud.
          </p>
        )}
      </div>
      {targetKind !== null && (
        <div className="field">
          <label htmlFor={`${id}-target`}>{TARGET_LABEL[targetKind]}</label>
          <select id={`${id}-target`} value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">Choose…</option>
            {options.map((option) => (
              <option key={option.id} value={option.id}>
                {option.name}
              </option>
            ))}
          </select>
          {options.length === 0 && <p className="hint">The directory has none.</p>}
        </div>
      )}
    </div>
  );
}
