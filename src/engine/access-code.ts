/**
 * Access codes (SPEC §3): each names a set of users. They are stored and exchanged as
 * strings (`departmentTree:1`); this module is the one place that reads and writes them.
 */

/** Ids chosen by whoever imports the directory. */
export const ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export const WORKGROUP_ROLES = ['owner', 'moderators', 'members'] as const;
export type WorkgroupRole = (typeof WORKGROUP_ROLES)[number];

export type ParsedAccessCode =
  | { readonly kind: 'user'; readonly id: string }
  | { readonly kind: 'department'; readonly id: string }
  | { readonly kind: 'departmentTree'; readonly id: string }
  | { readonly kind: 'group'; readonly id: string }
  | { readonly kind: 'workgroup'; readonly id: string; readonly role: WorkgroupRole }
  | { readonly kind: 'admins' }
  | { readonly kind: 'everyone' };

export type AccessCodeKind = ParsedAccessCode['kind'];

/**
 * Reads an access code, or returns undefined when it is not one.
 *
 * @example parseAccessCode('workgroup:w1:moderators') // { kind: 'workgroup', id: 'w1', role: 'moderators' }
 */
export function parseAccessCode(code: string): ParsedAccessCode | undefined {
  if (code === 'admins' || code === 'everyone') return { kind: code };
  const colon = code.indexOf(':');
  if (colon < 0) return undefined;
  const kind = code.slice(0, colon);
  const rest = code.slice(colon + 1);
  switch (kind) {
    case 'user':
    case 'department':
    case 'departmentTree':
    case 'group':
      return ID_PATTERN.test(rest) ? { kind, id: rest } : undefined;
    case 'workgroup': {
      const last = rest.lastIndexOf(':');
      const id = rest.slice(0, last);
      const role = rest.slice(last + 1);
      if (last < 0 || !ID_PATTERN.test(id)) return undefined;
      return isWorkgroupRole(role) ? { kind, id, role } : undefined;
    }
    default:
      return undefined;
  }
}

function isWorkgroupRole(value: string): value is WorkgroupRole {
  return (WORKGROUP_ROLES as readonly string[]).includes(value);
}

/** Writes an access code; the inverse of {@link parseAccessCode}. */
export function formatAccessCode(code: ParsedAccessCode): string {
  switch (code.kind) {
    case 'admins':
    case 'everyone':
      return code.kind;
    case 'workgroup':
      return `workgroup:${code.id}:${code.role}`;
    case 'user':
    case 'department':
    case 'departmentTree':
    case 'group':
      return `${code.kind}:${code.id}`;
  }
}
