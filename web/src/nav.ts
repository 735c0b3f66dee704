import { hasAny, levelIn } from './permissions';
import type { Me } from './types';

/** One entry of the navigation, shown only to those who may use the page behind it. */
export interface NavItem {
  readonly path: string;
  readonly label: string;
  readonly section: 'main' | 'admin';
  readonly allowed: (me: Me) => boolean;
}

const always = () => true;
/** Roles, assignments, the folder list and the audit log need telephonySettings.modify = any (SPEC §8, §11). */
export const administers = (me: Me) =>
  levelIn(me.permissions, 'telephonySettings.modify') === 'any';

export const NAV_ITEMS: readonly NavItem[] = [
  {
    path: '/calls',
    label: 'Calls',
    section: 'main',
    allowed: (me) => hasAny(me.permissions, 'callStats.view'),
  },
  {
    path: '/statistics',
    label: 'Statistics',
    section: 'main',
    allowed: (me) => hasAny(me.permissions, 'callStats.view'),
  },
  { path: '/dial', label: 'Place a call', section: 'main', allowed: always },
  { path: '/settings', label: 'My telephony settings', section: 'main', allowed: always },
  {
    path: '/numbers',
    label: 'Numbers',
    section: 'main',
    allowed: (me) => hasAny(me.permissions, 'numbers.manage'),
  },
  {
    path: '/balance',
    label: 'Balance',
    section: 'main',
    allowed: (me) => hasAny(me.permissions, 'balance.manage'),
  },
  { path: '/admin/roles', label: 'Roles', section: 'admin', allowed: administers },
  { path: '/admin/assignments', label: 'Assignments', section: 'admin', allowed: administers },
  {
    path: '/admin/effective',
    label: 'Effective permissions',
    section: 'admin',
    allowed: administers,
  },
  {
    path: '/admin/recordings-folder',
    label: 'Recorded calls folder',
    section: 'admin',
    allowed: administers,
  },
  {
    path: '/admin/outbound-calls',
    label: 'Outbound calls',
    section: 'admin',
    allowed: administers,
  },
  {
    path: '/admin/telephony-settings',
    label: 'Telephony settings',
    section: 'admin',
    allowed: administers,
  },
  { path: '/admin/audit', label: 'Audit log', section: 'admin', allowed: administers },
];

/** The page a user lands on after signing in. */
export function homePath(me: Me): string {
  return NAV_ITEMS.find((item) => item.allowed(me))?.path ?? '/settings';
}
