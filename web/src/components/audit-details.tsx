import type { ReactNode } from 'react';
import { departmentName, describeAccessCode, userName } from '../directory';
import { formatDateTime } from '../format';
import { levelLabel, permissionLabel } from '../permissions';
import type { AuditEntry, Directory } from '../types';

/** Field names of audit payloads in words; others are split at their capitals ("sipLogin" → "Sip login"). */
const FIELD_LABEL: Readonly<Record<string, string>> = {
  userId: 'Employee',
  targetUserId: 'Employee',
  roleId: 'Role',
  accessCode: 'Who',
  accessCodes: 'Who',
  departmentId: 'Department',
  departmentIds: 'Departments',
  expiresAt: 'Expires',
  callId: 'Call',
  permissions: 'Permissions',
  items: 'Entries',
  entries: 'Entries',
  at: 'When',
};

function fieldLabel(key: string): string {
  const known = FIELD_LABEL[key];
  if (known !== undefined) return known;
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A value of an audit payload for a person: people, departments and access codes by name,
 * permissions and levels in the words of the role editor, times in local time, yes and no.
 */
function readable(directory: Directory, key: string, value: unknown): ReactNode {
  if (value === null || value === undefined || value === '')
    return <span className="muted">—</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">none</span>;
    if (value.every(isPlain)) return value.map((item) => plain(directory, key, item)).join(', ');
    return (
      <ol className="audit-items">
        {value.map((item, i) => (
          <li key={i}>{readable(directory, key, item)}</li>
        ))}
      </ol>
    );
  }
  if (isRecord(value)) {
    if (key === 'permissions')
      return (
        <dl className="audit-fields">
          {Object.entries(value).map(([permission, level]) => (
            <div key={permission}>
              <dt>{permissionLabel(permission)}</dt>
              <dd>{isPlain(level) ? levelLabel(permission, String(level)) : '—'}</dd>
            </div>
          ))}
        </dl>
      );
    return <Fields directory={directory} value={value} />;
  }
  return isPlain(value) ? plain(directory, key, value) : '—';
}

type Plain = string | number | boolean | null;

const isPlain = (value: unknown): value is Plain =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

/** One plain value in words: ids by name, times in local time, yes and no. */
function plain(directory: Directory, key: string, value: Plain): string {
  if (value === null || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  const text = String(value);
  if (/(^u|U)serId$/.test(key) || key === 'user') return userName(directory, text);
  if (key === 'accessCode' || key === 'accessCodes') return describeAccessCode(directory, text);
  if (key === 'departmentId' || key === 'departmentIds') return departmentName(directory, text);
  if ((key === 'at' || key.endsWith('At')) && !Number.isNaN(Date.parse(text)))
    return formatDateTime(text);
  return text;
}

function Fields({
  directory,
  value,
}: {
  readonly directory: Directory;
  readonly value: Readonly<Record<string, unknown>>;
}) {
  return (
    <dl className="audit-fields">
      {Object.entries(value).map(([key, field]) => (
        <div key={key}>
          <dt>{fieldLabel(key)}</dt>
          <dd>{readable(directory, key, field)}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * What an audit entry changed, as fields with names: for a change, only the fields that
 * differ, each as before → after; the rest (the detail) as it is. The raw JSON stays in the
 * export for scripts.
 */
export function AuditDetails({
  directory,
  entry,
}: {
  readonly directory: Directory;
  readonly entry: AuditEntry;
}) {
  const { before, after, detail } = entry;
  const parts: ReactNode[] = [];
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
      (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
    );
    if (keys.length > 0)
      parts.push(
        <table key="changes" className="audit-changes">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key}>
                <th scope="row">{fieldLabel(key)}</th>
                <td>{readable(directory, key, before[key])}</td>
                <td>{readable(directory, key, after[key])}</td>
              </tr>
            ))}
          </tbody>
        </table>,
      );
  } else {
    if (before !== undefined && before !== null)
      parts.push(
        <div key="before">
          <strong>Before</strong>
          {readable(directory, 'before', before)}
        </div>,
      );
    if (after !== undefined && after !== null)
      parts.push(
        <div key="after">
          <strong>After</strong>
          {readable(directory, 'after', after)}
        </div>,
      );
  }
  if (detail !== undefined && detail !== null)
    parts.push(<div key="detail">{readable(directory, 'detail', detail)}</div>);
  if (parts.length === 0) return <span className="muted">—</span>;
  return (
    <details>
      <summary>Show</summary>
      {parts}
    </details>
  );
}
