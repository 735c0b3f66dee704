import { useEffect, useId, useState } from 'react';
import { useSignedIn } from '../session';
import { Combobox, type ComboboxItem, type SearchKind } from './combobox';

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

const TARGET = {
  users: { label: 'User', kind: 'user' },
  departments: { label: 'Department', kind: 'department' },
  groups: { label: 'User group', kind: 'group' },
  workgroups: { label: 'Workgroup', kind: 'workgroup' },
} as const satisfies Record<string, { label: string; kind: SearchKind }>;

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
  const { me } = useSignedIn();
  const id = useId();
  const [kind, setKind] = useState<Kind>('user');
  const [target, setTarget] = useState<ComboboxItem | null>(null);
  const isOnPremise = me.account.edition === 'on-premise';

  useEffect(() => setTarget(null), [resetKey]);
  useEffect(() => onChange(codeOf(kind, target?.id ?? '')), [kind, target, onChange]);

  const targetKind = KINDS.find((k) => k.value === kind)!.target;

  return (
    <div className="picker">
      <div className="field">
        <label htmlFor={`${id}-kind`}>{label}</label>
        <select
          id={`${id}-kind`}
          value={kind}
          onChange={(e) => {
            const next = e.target.value as Kind;
            // The same search kind keeps its choice: "department" and "with sub-departments".
            if (KINDS.find((k) => k.value === next)!.target !== targetKind) setTarget(null);
            setKind(next);
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
        <Combobox
          key={targetKind}
          label={TARGET[targetKind].label}
          kind={TARGET[targetKind].kind}
          value={target}
          onChange={setTarget}
          placeholder={`Search ${TARGET[targetKind].label.toLowerCase()}s…`}
        />
      )}
    </div>
  );
}
