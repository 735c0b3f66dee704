import { PERMISSION_TEXT, levelLabel } from '../permissions';
import type { PermissionKey } from '../types';

/** The highest level of a permission: what the administrator override gives (SPEC §4). */
function topLevel(permission: PermissionKey): string {
  return Object.keys(PERMISSION_TEXT[permission].levels).at(-1)!;
}

/**
 * A level as shown wherever levels are shown: roles, the role editor, effective
 * permissions. For account administrators it shows what they really hold, the highest
 * level, and says it is the override, so an Administrator role with "Access denied" on
 * deleting recordings does not read as a refusal. `closed` names a rule that closes what
 * the level would allow (the recordings folder).
 *
 * @example <LevelText permission="balance.manage" level="none" administrator />
 */
export function LevelText({
  permission,
  level,
  administrator = false,
  closed,
}: {
  readonly permission: PermissionKey;
  readonly level: string;
  /** Every holder is an account administrator. */
  readonly administrator?: boolean;
  /** The level holds but a rule closes it; the rule in words. */
  readonly closed?: string;
}) {
  const label = levelLabel(permission, level);
  if (administrator) {
    const top = topLevel(permission);
    return (
      <span className="level-text" data-override="administrator">
        <span className="level-pill">{levelLabel(permission, top)}</span>{' '}
        <span className="level-override">
          administrator override
          {level !== top && <> (this role alone: {label.toLowerCase()})</>}
        </span>
      </span>
    );
  }
  if (closed !== undefined)
    return (
      <span className="level-text" data-closed="true">
        <span className="level-pill level-none">Closed</span>{' '}
        <span className="level-override">
          {label} by role, but {closed}
        </span>
      </span>
    );
  return (
    <span className="level-text">
      <span className={level === 'none' ? 'level-pill level-none' : 'level-pill'}>{label}</span>
    </span>
  );
}
