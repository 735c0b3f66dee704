import type { Generated, Insertable, Selectable } from 'kysely';

/**
 * The tables, as Kysely sees them. Row types stay inside store/: repositories return the
 * domain types of engine/ and directory/.
 *
 * Portable on purpose, so one code path serves SQLite and PostgreSQL: times are epoch
 * milliseconds (bigint), booleans are 0/1 integers, money is integer micro-units, and
 * structured values are JSON text.
 */
export interface Database {
  accounts: AccountsTable;
  users: UsersTable;
  departments: DepartmentsTable;
  department_positions: DepartmentPositionsTable;
  department_closure: DepartmentClosureTable;
  department_reach: DepartmentReachTable;
  user_groups: UserGroupsTable;
  user_group_members: UserGroupMembersTable;
  workgroups: WorkgroupsTable;
  workgroup_members: WorkgroupMembersTable;
  crm_clients: CrmClientsTable;
  crm_client_phones: CrmClientPhonesTable;
  crm_read_scopes: CrmReadScopesTable;
  blocked_numbers: BlockedNumbersTable;
  roles: RolesTable;
  role_assignments: RoleAssignmentsTable;
  recordings_folder_access: RecordingsFolderAccessTable;
  calls: CallsTable;
  call_day_totals: CallDayTotalsTable;
  audit_log: AuditLogTable;
  apps: AppsTable;
  tokens: TokensTable;
  recordings: RecordingsTable;
  playback_sessions: PlaybackSessionsTable;
  user_telephony_settings: UserTelephonySettingsTable;
  settings: SettingsTable;
  number_inventory: NumberInventoryTable;
  account_numbers: AccountNumbersTable;
  balance_ledger: BalanceLedgerTable;
  user_credentials: UserCredentialsTable;
  sessions: SessionsTable;
  write_positions: WritePositionsTable;
  user_numbers: UserNumbersTable;
  webhooks: WebhooksTable;
  directory_search: DirectorySearchTable;
  sip_connections: SipConnectionsTable;
  external_calls: ExternalCallsTable;
  external_lines: ExternalLinesTable;
}

export interface AccountsTable {
  id: string;
  name: string;
  plan: string;
  edition: string;
  default_country: string;
  created_at: number;
  /** Bumped by every change that can change a decision: caches compare it. */
  policy_version: number;
  assignments_version: number;
  directory_version: number;
  /** The last call number (`calls.seq`) given out. */
  call_seq: Generated<number>;
}

export interface UsersTable {
  account_id: string;
  id: string;
  position: number;
  name: string;
  email: string | null;
  active: number;
  admin: number;
  phone_work: string | null;
  phone_mobile: string | null;
  phone_extension: string | null;
  /**
   * This person under this id: drawn when the id enters the directory, kept while it stays.
   * Tokens and sessions record it, so a later holder of a re-used id inherits none of them.
   */
  incarnation: string;
}

export interface DepartmentsTable {
  account_id: string;
  id: string;
  position: number;
  name: string;
  parent_id: string | null;
}

/** Who is in a department, as a member or as its head: both count for department scopes. */
export interface DepartmentPositionsTable {
  account_id: string;
  department_id: string;
  user_id: string;
  kind: 'member' | 'head';
  position: number;
}

/** Every (ancestor, descendant) pair of the department tree, each department its own at depth 0. */
export interface DepartmentClosureTable {
  account_id: string;
  ancestor_id: string;
  descendant_id: string;
  depth: number;
}

/** A department and every user placed anywhere in its subtree (a head counts as placed). */
export interface DepartmentReachTable {
  account_id: string;
  department_id: string;
  user_id: string;
}

export interface UserGroupsTable {
  account_id: string;
  id: string;
  position: number;
  name: string;
}

export interface UserGroupMembersTable {
  account_id: string;
  group_id: string;
  user_id: string;
  position: number;
}

export interface WorkgroupsTable {
  account_id: string;
  id: string;
  position: number;
  name: string;
  owner_id: string;
}

export interface WorkgroupMembersTable {
  account_id: string;
  workgroup_id: string;
  user_id: string;
  kind: 'moderator' | 'member';
  position: number;
}

export interface CrmClientsTable {
  account_id: string;
  id: string;
  position: number;
  type: string;
  name: string | null;
  responsible_user_id: string | null;
}

export interface CrmClientPhonesTable {
  account_id: string;
  client_id: string;
  position: number;
  phone: string;
}

export interface CrmReadScopesTable {
  account_id: string;
  position: number;
  access_code: string;
  type: string;
  level: string;
}

export interface BlockedNumbersTable {
  account_id: string;
  phone: string;
  position: number;
}

export interface RolesTable {
  account_id: string;
  id: string;
  position: number;
  name: string;
  /** JSON: { permissionKey: level } */
  permissions: string;
  version: number;
}

export interface RoleAssignmentsTable {
  account_id: string;
  role_id: string;
  access_code: string;
  expires_at: number | null;
  position: number;
}

export interface RecordingsFolderAccessTable {
  account_id: string;
  access_code: string;
  access: string;
  position: number;
}

export interface CallsTable {
  account_id: string;
  id: string;
  user_id: string | null;
  direction: string;
  phone_number: string;
  line_number: string | null;
  started_at: number;
  duration_sec: number;
  status: string;
  cost_micros: number | null;
  currency: string | null;
  crm_type: string | null;
  crm_id: string | null;
  recording_ref: string | null;
  /** The call's number in its account, increasing as calls are recorded (Bitrix24's ID). */
  seq: number | null;
}

/** The statistics' sums per UTC day and owner, written with the calls (migration 2026-12-06-90). */
export interface CallDayTotalsTable {
  account_id: string;
  /** Days since 1970-01-01 UTC: `started_at / 86400000`. */
  day: number;
  /** The owner's user id, or '' for calls no employee took. */
  user_key: string;
  calls: number;
  answered: number;
  missed: number;
  duration_sec: number;
  cost_micros: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  account_id: string;
  at: number;
  actor: string;
  type: string;
  subject: string | null;
  /** JSON of the state before the change, or null. */
  before: string | null;
  after: string | null;
  /** JSON of anything else worth keeping. */
  detail: string | null;
  /** The hash of the account's previous entry (64 zeros for the first): the chain's link. */
  prev_hash: string | null;
  /** SHA-256 (hex) of this entry's fields and prev_hash (store/audit.ts, auditHash). */
  hash: string | null;
}

export interface AppsTable {
  account_id: string;
  id: string;
  name: string;
  /** JSON array of application scopes. */
  scopes: string;
  created_at: number;
}

export interface TokensTable {
  /** The public part of the token; the secret part is kept only as a hash. */
  id: string;
  account_id: string;
  user_id: string;
  app_id: string | null;
  /** JSON array of application scopes the token carries. */
  scopes: string;
  secret_hash: string;
  created_at: number;
  created_by: string;
  expires_at: number | null;
  revoked_at: number | null;
  label: string | null;
  /** `users.incarnation` of the user it was issued to. */
  user_incarnation: string;
}

/** One audited playback session per (user, call, kind): see migration 2026-12-06-1. */
export interface PlaybackSessionsTable {
  account_id: string;
  user_id: string;
  call_id: string;
  /** `played` or `downloaded`: the two are audited apart (SPEC §11). */
  kind: string;
  recording_sha256: string;
  started_at: number;
}

export interface RecordingsTable {
  account_id: string;
  call_id: string;
  storage_key: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  created_at: number;
  legal_hold: number;
  legal_hold_reason: string | null;
  legal_hold_by: string | null;
  legal_hold_at: number | null;
}

export interface UserTelephonySettingsTable {
  account_id: string;
  user_id: string;
  device: string | null;
  sip_login: string | null;
  /** Encrypted at rest (telephony/secrets.ts). */
  sip_secret: string | null;
  caller_id_number: string | null;
  version: number;
  updated_at: number;
}

export interface SettingsTable {
  account_id: string;
  section: string;
  /** JSON of the section's document. */
  value: string;
  version: number;
  updated_at: number;
}

export interface NumberInventoryTable {
  number: string;
  country: string;
  monthly_fee_micros: number;
  currency: string;
}

export interface AccountNumbersTable {
  account_id: string;
  number: string;
  rented_at: number;
  sip_host: string | null;
  sip_username: string | null;
  /** Encrypted at rest (telephony/secrets.ts). */
  sip_password: string | null;
  /** Line access (SPEC §5 rule 5): a JSON array of access codes; `[]` is everyone. */
  access_codes: Generated<string>;
  access_version: Generated<number>;
}

export interface BalanceLedgerTable {
  id: Generated<number>;
  account_id: string;
  at: number;
  amount_micros: number;
  currency: string;
  kind: string;
  description: string;
  actor: string;
}

export interface UserCredentialsTable {
  account_id: string;
  user_id: string;
  /** Argon2id's PHC string, or `scrypt$N$r$p$salt$key` until its owner's next sign-in (telephony/credentials.ts). */
  password_hash: string;
  updated_at: number;
}

export interface SessionsTable {
  /** SHA-256 of the cookie's secret. */
  id: string;
  account_id: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  /** `users.incarnation` of the user who signed in. */
  user_incarnation: string;
}

/** Each user's last write on the primary, for read replicas (store/read-replica.ts). */
export interface WritePositionsTable {
  account_id: string;
  user_id: string;
  /** The primary's WAL insert position after the write, in bytes. */
  lsn: number;
}

/** A user's stable numeric id (SPEC §12); rows outlive the user, so no number is reused. */
export interface UserNumbersTable {
  account_id: string;
  user_id: string;
  number: number;
}

/** An incoming webhook (SPEC §12): acts as its user; only a hash of its secret is kept. */
export interface WebhooksTable {
  id: string;
  account_id: string;
  user_id: string;
  /** JSON array of Bitrix24 scopes. */
  scopes: string;
  secret_hash: string;
  created_at: number;
  created_by: string;
  revoked_at: number | null;
}

/**
 * One searchable term of a directory item (store/directory-search.ts): folded (lower case,
 * no accents), with the field it came from, which decides who may match on it.
 */
export interface DirectorySearchTable {
  account_id: string;
  item_kind: 'user' | 'department' | 'workgroup' | 'group';
  term: string;
  item_id: string;
  field: 'id' | 'name' | 'word' | 'email' | 'phone';
  /** The folded name, for alphabetical order. */
  sort_key: string;
}

/** A SIP connection of the account (SPEC §12, `voximplant.sip.*`): a cloud or office PBX. */
export interface SipConnectionsTable {
  /** Bitrix24's CONFIG_ID; a cloud PBX's REG_ID too. */
  id: Generated<number>;
  account_id: string;
  type: string;
  /** '' when none was given: Bitrix24 then shows a name made from the type and the id. */
  title: string;
  server: string;
  login: string;
  /** Sealed (telephony/secrets.ts); null when none was given. */
  password: string | null;
  created_at: number;
  updated_at: number;
}

export type CallRow = Selectable<CallsTable>;
export type NewCallRow = Insertable<CallsTable>;
export type AuditRow = Selectable<AuditLogTable>;

/** A call an application registered through `telephony.externalcall.register` (SPEC §12). */
export interface ExternalCallsTable {
  account_id: string;
  /** The id of the row `finish` writes into `calls` (no foreign key: see the migration). */
  call_id: string;
  /** The application that registered it: only it may act on the call. */
  app_key: string;
  user_id: string;
  /** Bitrix24's TYPE: 1 outbound, 2 inbound, 3 inbound redirected, 4 callback, 5 info call. */
  type: number;
  phone_number: string;
  line_number: string | null;
  external_call_id: string | null;
  crm_type: string | null;
  crm_id: string | null;
  started_at: number;
  registered_at: number;
  /** The display state `show`/`hide` record (0/1): Callgate has no call card to pop. */
  shown: number;
  finished_at: number | null;
  vote: number | null;
  failed_reason: string | null;
}

/** An application's own line (`telephony.externalLine.*`). */
export interface ExternalLinesTable {
  account_id: string;
  app_key: string;
  number: string;
  id: number;
  name: string;
  crm_auto_create: number;
  created_at: number;
}
