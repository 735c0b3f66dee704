import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { accessCodeProblem, knownIds } from '../directory/directory.js';
import { ID_PATTERN } from '../engine/access-code.js';
import { isKnownRegion, readDialString } from '../engine/dial-string.js';
import { type CountryCode, normalizePhoneNumber } from '../engine/phone-number.js';
import type { FolderAccessEntry } from '../engine/policy.js';
import { IssueList } from '../engine/validation-error.js';
import { CallgateError } from '../errors.js';
import { bumpVersions } from '../store/accounts.js';
import { type Actor, appendAudit } from '../store/audit.js';
import { selectByIds } from '../store/batch.js';
import type { Executor } from '../store/database.js';
import { loadDirectory } from '../store/directory.js';
import { findRentedNumber } from '../store/numbers.js';
import { loadRecordingsFolder, replaceRecordingsFolder } from '../store/permissions.js';
import {
  claimDirectoryVersion,
  findDirectoryVersion,
  findSection,
  loadBlockedNumbers,
  replaceBlockedNumbers,
  writeSection,
} from '../store/settings.js';
import { requireAccount } from './accounts.js';
import { E164_PATTERN } from './numbers.js';
import { type PolicyState, loadPolicyState } from './policy.js';
import { type Editor, assertNoFolderEscalation } from './role-admin.js';

/**
 * The account's telephony settings, in sections (SPEC §2, telephonySettings.modify). Each
 * section is one document with a version, read and replaced whole.
 */
export const SETTINGS_SECTIONS = [
  'general',
  'blocked-numbers',
  'documents',
  'queues',
  'ivr',
  'recordings-folder',
  'retention',
  'outbound-policy',
  'emergency-numbers',
] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

// The patterns of the sections' text fields, exported so a refusal can name them by what
// they accept (src/api/errors.ts) rather than by the regular expression.

/** An id: the engine's {@link ID_PATTERN}, as a schema's pattern text. */
export const ID_PATTERN_TEXT = ID_PATTERN.source;
/** A BCP 47 language tag: `en`, `pt-BR`. */
export const LANGUAGE_TAG_PATTERN = '^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$';
/** One key of a telephone keypad. */
export const KEYPAD_KEY_PATTERN = '^[0-9*#]$';
export const HTTP_URL_PATTERN = '^https?://';
/** An ISO 3166 country or region code: `GB`. */
export const COUNTRY_CODE_PATTERN = '^[A-Z]{2}$';

const Id = Type.String({ pattern: ID_PATTERN_TEXT });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const strict = { additionalProperties: false } as const;

export const GeneralSettingsSchema = Type.Object(
  {
    recordCalls: Type.Boolean(),
    defaultCallerIdNumber: Type.Union([Type.String({ pattern: E164_PATTERN }), Type.Null()]),
    language: Type.String({ pattern: LANGUAGE_TAG_PATTERN }),
  },
  strict,
);

export const BlockedNumbersSchema = Type.Object(
  { numbers: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 10_000 }) },
  strict,
);

export const DocumentsSchema = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          id: Id,
          name: Name,
          url: Type.String({ format: 'uri', pattern: HTTP_URL_PATTERN, maxLength: 2000 }),
        },
        strict,
      ),
      { maxItems: 1000 },
    ),
  },
  strict,
);

export const QUEUE_STRATEGIES = ['ring-all', 'round-robin', 'longest-idle'] as const;

export const QueuesSchema = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          id: Id,
          name: Name,
          memberIds: Type.Array(Id, { maxItems: 10_000 }),
          strategy: Type.Union(QUEUE_STRATEGIES.map((s) => Type.Literal(s))),
        },
        strict,
      ),
      { maxItems: 1000 },
    ),
  },
  strict,
);

export const IVR_ACTIONS = ['queue', 'user', 'menu', 'voicemail'] as const;

export const IvrSchema = Type.Object(
  {
    menus: Type.Array(
      Type.Object(
        {
          id: Id,
          name: Name,
          greeting: Type.String({ maxLength: 2000 }),
          options: Type.Array(
            Type.Object(
              {
                digit: Type.String({ pattern: KEYPAD_KEY_PATTERN }),
                action: Type.Union(IVR_ACTIONS.map((a) => Type.Literal(a))),
                target: Type.Union([Id, Type.Null()]),
              },
              strict,
            ),
            { maxItems: 12 },
          ),
        },
        strict,
      ),
      { maxItems: 200 },
    ),
  },
  strict,
);

export const RecordingsFolderSchema = Type.Object(
  {
    entries: Type.Array(
      Type.Object(
        {
          accessCode: Type.String({ minLength: 1, maxLength: 200 }),
          access: Type.Union([Type.Literal('read'), Type.Literal('none')]),
        },
        strict,
      ),
      { maxItems: 1000 },
    ),
  },
  strict,
);

/**
 * How long recordings are kept: `recordingsDays` days after they were stored, or forever
 * (`null`, the default). The retention sweep deletes older ones, never one under legal hold.
 */
export const RetentionSchema = Type.Object(
  { recordingsDays: Type.Union([Type.Integer({ minimum: 1, maximum: 36_500 }), Type.Null()]) },
  strict,
);

/** SPEC §5 rule 4: premium rate and international calls, for everyone. */
export const OutboundPolicySchema = Type.Object(
  {
    premiumRate: Type.Union([Type.Literal('block'), Type.Literal('allow')]),
    international: Type.Object(
      {
        mode: Type.Union([Type.Literal('any'), Type.Literal('listed'), Type.Literal('none')]),
        countries: Type.Array(Type.String({ pattern: COUNTRY_CODE_PATTERN }), { maxItems: 300 }),
      },
      strict,
    ),
  },
  strict,
);

/** SPEC §5 rule 1: the account's own emergency numbers, on top of the metadata's. */
export const EmergencyNumbersSchema = Type.Object(
  { numbers: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 100 }) },
  strict,
);

/** Each section's document schema: the API validates bodies with it, and answers with it. */
export const SECTION_SCHEMAS = {
  general: GeneralSettingsSchema,
  'blocked-numbers': BlockedNumbersSchema,
  documents: DocumentsSchema,
  queues: QueuesSchema,
  ivr: IvrSchema,
  'recordings-folder': RecordingsFolderSchema,
  retention: RetentionSchema,
  'outbound-policy': OutboundPolicySchema,
  'emergency-numbers': EmergencyNumbersSchema,
} as const satisfies Record<SettingsSection, TSchema>;

export type SectionValue<S extends SettingsSection> = Static<(typeof SECTION_SCHEMAS)[S]>;

/** One section with its document: the union lets a switch on `section` narrow `value`. */
export type SectionDocument = {
  [S in SettingsSection]: { readonly section: S; readonly value: SectionValue<S> };
}[SettingsSection];

/** The 412 of a change based on a version that is no longer current. */
export function versionMismatch(currentVersion: number, expectedVersion: number): CallgateError {
  return new CallgateError(
    'version_mismatch',
    `this was changed since version ${expectedVersion}: it is at version ${currentVersion}; read it again`,
    { currentVersion },
  );
}

/** The sections kept as JSON in the `settings` table, with what a never-saved one holds. */
const JSON_DEFAULTS = {
  general: { recordCalls: false, defaultCallerIdNumber: null, language: 'en' },
  documents: { items: [] },
  queues: { items: [] },
  ivr: { menus: [] },
  retention: { recordingsDays: null },
  'outbound-policy': { premiumRate: 'block', international: { mode: 'any', countries: [] } },
  'emergency-numbers': { numbers: [] },
} as const satisfies { [S in JsonSection]: SectionValue<S> };
type JsonSection = Exclude<SettingsSection, 'blocked-numbers' | 'recordings-folder'>;

/** A section as the API answers it. */
export interface SectionView<S extends SettingsSection = SettingsSection> {
  readonly section: S;
  readonly value: SectionValue<S>;
  readonly version: number;
}

/**
 * Reads one section. Most are JSON documents (the defaults at version 0 until first
 * saved); `blocked-numbers` is the directory's list, versioned with the directory (a
 * directory import replaces it too); `recordings-folder` is the folder's access list that
 * decisions use.
 *
 * @example await readSettingsSection(db, 'acme', 'general') // { section: 'general', value: {...}, version: 0 }
 */
export async function readSettingsSection<S extends SettingsSection>(
  db: Executor,
  accountId: string,
  section: S,
): Promise<SectionView<S>> {
  const view = await readAny(db, accountId, section);
  return view as SectionView<S>;
}

async function readAny(
  db: Executor,
  accountId: string,
  section: SettingsSection,
): Promise<SectionView> {
  switch (section) {
    case 'blocked-numbers': {
      const version = await findDirectoryVersion(db, accountId);
      if (version === undefined)
        throw new CallgateError('not_found', `account ${accountId} not found`);
      return { section, value: { numbers: await loadBlockedNumbers(db, accountId) }, version };
    }
    case 'recordings-folder': {
      // The list lives where decisions read it; the settings row only carries the version.
      const stored = await findSection(db, accountId, section);
      const entries = await loadRecordingsFolder(db, accountId);
      return { section, value: { entries }, version: stored?.version ?? 0 };
    }
    case 'general':
    case 'documents':
    case 'queues':
    case 'ivr':
    case 'retention':
    case 'outbound-policy':
    case 'emergency-numbers': {
      const stored = await findSection(db, accountId, section);
      // Stored values were checked against the schema when saved.
      const value = (stored?.value ?? JSON_DEFAULTS[section]) as SectionValue<typeof section>;
      return { section, value, version: stored?.version ?? 0 };
    }
  }
}

/**
 * Replaces one section if it is still at `expectedVersion` (412 otherwise), after checking
 * what its schema cannot: phone numbers (normalised to E.164 in the account's default
 * country), references to users, queues, menus and rented numbers, access codes that name
 * directory items, duplicate ids. Changes that alter decisions (blocked numbers, the
 * recordings folder) bump the policy version, so the next decision sees them. The recordings
 * folder falls under SPEC §8's no-escalation rule (assertNoFolderEscalation); `previous`, the
 * request's own policy state, spares reloading the directory for it. Audited with before and
 * after. Run inside a transaction.
 *
 * @example await saveSettingsSection(trx, 'acme', { section: 'general', value }, 0, { actor: 'user:u0', userId: 'u0' }, now)
 */
export async function saveSettingsSection(
  db: Executor,
  accountId: string,
  input: SectionDocument,
  expectedVersion: number,
  editor: Editor,
  now: number,
  previous?: PolicyState,
): Promise<SectionView> {
  const { actor } = editor;
  let document = input;
  const before = await readAny(db, accountId, document.section);
  if (before.version !== expectedVersion) throw versionMismatch(before.version, expectedVersion);
  const issues = new IssueList();
  // Whether the section is read by decisions: then its change bumps the policy version.
  let decides = false;
  switch (document.section) {
    case 'blocked-numbers': {
      const account = await requireAccount(db, accountId);
      // The same number written two ways is kept once, where it first appears.
      const unique = new Set<string>();
      document.value.numbers.forEach((text, i) => {
        const number = normalizePhoneNumber(text, account.defaultCountry);
        if (number === undefined)
          issues.add(`numbers[${i}]`, `${JSON.stringify(text)} is not a phone number`);
        else unique.add(number);
      });
      issues.throwIfAny();
      const numbers = [...unique];
      if (!(await claimDirectoryVersion(db, accountId, expectedVersion)))
        throw versionMismatch((await findDirectoryVersion(db, accountId)) ?? 0, expectedVersion);
      await replaceBlockedNumbers(db, accountId, numbers);
      // Outbound decisions read this list: the next one must see the change.
      await bumpVersions(db, accountId);
      const after = { section: document.section, value: { numbers }, version: expectedVersion + 1 };
      await auditSettings(db, accountId, before, after, actor, now);
      return after;
    }
    case 'recordings-folder': {
      const account = await requireAccount(db, accountId);
      const known = knownIds(await loadDirectory(db, accountId));
      const seen = new Set<string>();
      const entries: FolderAccessEntry[] = document.value.entries.map((entry, i) => {
        const problem = accessCodeProblem(entry.accessCode, account.edition, known);
        // Name the code in the message, whatever the problem says.
        if (problem !== undefined)
          issues.add(
            `entries[${i}].accessCode`,
            problem.includes(entry.accessCode) ? problem : `${entry.accessCode}: ${problem}`,
          );
        if (seen.has(entry.accessCode))
          issues.add(`entries[${i}].accessCode`, `${entry.accessCode} is listed twice`);
        seen.add(entry.accessCode);
        return { accessCode: entry.accessCode, access: entry.access };
      });
      issues.throwIfAny();
      assertNoFolderEscalation(
        await loadPolicyState(db, accountId, now, previous),
        editor,
        entries,
        now,
      );
      if (!(await writeSection(db, accountId, document.section, { entries }, expectedVersion, now)))
        throw await staleSection(db, accountId, document.section, expectedVersion);
      await replaceRecordingsFolder(db, accountId, entries);
      // Listening decisions read this list: the next one must see the change.
      await bumpVersions(db, accountId);
      await appendAudit(
        db,
        accountId,
        {
          type: 'recordingsFolder.changed',
          actor,
          subject: document.section,
          before: before.value,
          after: { entries },
        },
        now,
      );
      return { section: document.section, value: { entries }, version: expectedVersion + 1 };
    }
    case 'general': {
      const number = document.value.defaultCallerIdNumber;
      if (number !== null && (await findRentedNumber(db, accountId, number)) === undefined)
        issues.add('defaultCallerIdNumber', `${number} is not a number this account rents`);
      // The default caller ID is the line of calls that name none (SPEC §5 rule 5).
      decides = true;
      break;
    }
    case 'outbound-policy': {
      const countries = document.value.international.countries;
      const seen = new Set<string>();
      countries.forEach((country, i) => {
        if (!isKnownRegion(country))
          issues.add(
            `international.countries[${i}]`,
            `${country} is not a region the phone-number metadata knows`,
          );
        if (seen.has(country))
          issues.add(`international.countries[${i}]`, `${country} is listed twice`);
        seen.add(country);
      });
      decides = true;
      break;
    }
    case 'emergency-numbers': {
      const account = await requireAccount(db, accountId);
      const unique = new Set<string>();
      document.value.numbers.forEach((text, i) => {
        const number = emergencyListEntry(text, account.defaultCountry);
        if (number === undefined)
          issues.add(
            `numbers[${i}]`,
            `${JSON.stringify(text)} is neither a phone number nor a short number of 2 to 8 digits`,
          );
        else unique.add(number);
      });
      issues.throwIfAny();
      document = { section: 'emergency-numbers', value: { numbers: [...unique] } };
      decides = true;
      break;
    }
    case 'retention':
      // The schema says all there is: whole days from 1, or null for forever.
      break;
    case 'documents':
      checkUniqueIds(document.value.items, 'items', issues);
      break;
    case 'queues': {
      checkUniqueIds(document.value.items, 'items', issues);
      const userIds = await existingUserIds(
        db,
        accountId,
        document.value.items.flatMap((queue) => queue.memberIds),
      );
      document.value.items.forEach((queue, i) => {
        const seen = new Set<string>();
        queue.memberIds.forEach((id, j) => {
          if (!userIds.has(id)) issues.add(`items[${i}].memberIds[${j}]`, `no user "${id}"`);
          if (seen.has(id)) issues.add(`items[${i}].memberIds[${j}]`, `"${id}" is listed twice`);
          seen.add(id);
        });
      });
      issues.throwIfAny();
      await assertQueuesKeepIvrTargets(db, accountId, document.value);
      break;
    }
    case 'ivr':
      await checkIvr(db, accountId, document.value, issues);
      break;
  }
  issues.throwIfAny();
  const { section, value } = document;
  if (!(await writeSection(db, accountId, section, value, expectedVersion, now)))
    throw await staleSection(db, accountId, section, expectedVersion);
  // Outbound decisions read it: every server's next decision must see the change.
  if (decides) await bumpVersions(db, accountId);
  const after = { section, value, version: expectedVersion + 1 } as SectionView;
  await auditSettings(db, accountId, before, after, actor, now);
  return after;
}

async function auditSettings(
  db: Executor,
  accountId: string,
  before: SectionView,
  after: SectionView,
  actor: Actor,
  now: number,
): Promise<void> {
  await appendAudit(
    db,
    accountId,
    {
      type: 'settings.changed',
      actor,
      subject: after.section,
      before: before.value,
      after: after.value,
      detail: { section: after.section, version: after.version },
    },
    now,
  );
}

async function staleSection(
  db: Executor,
  accountId: string,
  section: SettingsSection,
  expectedVersion: number,
): Promise<CallgateError> {
  // Someone saved between the read and the write.
  return versionMismatch(
    (await findSection(db, accountId, section))?.version ?? 0,
    expectedVersion,
  );
}

function checkUniqueIds(items: readonly { id: string }[], path: string, issues: IssueList): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.id)) issues.add(`${path}[${i}].id`, `duplicate id "${item.id}"`);
    seen.add(item.id);
  });
}

/** Of these user ids, the ones the account's directory holds. */
async function existingUserIds(
  db: Executor,
  accountId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  const rows = await selectByIds([...new Set(ids)], (chunk) =>
    db
      .selectFrom('users')
      .select('id')
      .where('account_id', '=', accountId)
      .where('id', 'in', chunk)
      .execute(),
  );
  return new Set(rows.map((row) => row.id));
}

async function readQueues(db: Executor, accountId: string): Promise<SectionValue<'queues'>> {
  return (await readSettingsSection(db, accountId, 'queues')).value;
}

/**
 * An IVR option must lead somewhere that exists: a saved queue, a user of the directory,
 * a menu of the same document; voicemail takes a user's mailbox or (null) the general one.
 */
async function checkIvr(
  db: Executor,
  accountId: string,
  ivr: SectionValue<'ivr'>,
  issues: IssueList,
): Promise<void> {
  checkUniqueIds(ivr.menus, 'menus', issues);
  const menuIds = new Set(ivr.menus.map((menu) => menu.id));
  const queueIds = new Set((await readQueues(db, accountId)).items.map((queue) => queue.id));
  const userIds = await existingUserIds(
    db,
    accountId,
    ivr.menus.flatMap((menu) =>
      menu.options.flatMap((o) =>
        (o.action === 'user' || o.action === 'voicemail') && o.target !== null ? [o.target] : [],
      ),
    ),
  );
  ivr.menus.forEach((menu, i) => {
    const digits = new Set<string>();
    menu.options.forEach((option, j) => {
      const where = `menus[${i}].options[${j}]`;
      if (digits.has(option.digit))
        issues.add(`${where}.digit`, `digit ${option.digit} is used twice in menu "${menu.id}"`);
      digits.add(option.digit);
      const target = option.target;
      switch (option.action) {
        case 'queue':
          if (target === null || !queueIds.has(target))
            issues.add(`${where}.target`, `no queue "${target ?? ''}" in the queues section`);
          break;
        case 'user':
          if (target === null || !userIds.has(target))
            issues.add(`${where}.target`, `no user "${target ?? ''}"`);
          break;
        case 'menu':
          if (target === null || !menuIds.has(target))
            issues.add(`${where}.target`, `no menu "${target ?? ''}" in this document`);
          break;
        case 'voicemail':
          if (target !== null && !userIds.has(target))
            issues.add(`${where}.target`, `no user "${target}"`);
          break;
      }
    });
  });
}

/** A queue the voice menus send callers to cannot be removed until no option names it. */
async function assertQueuesKeepIvrTargets(
  db: Executor,
  accountId: string,
  queues: SectionValue<'queues'>,
): Promise<void> {
  const kept = new Set(queues.items.map((queue) => queue.id));
  const ivr = (await readSettingsSection(db, accountId, 'ivr')).value;
  const used = ivr.menus.flatMap((menu) =>
    menu.options
      .filter((o) => o.action === 'queue' && o.target !== null && !kept.has(o.target))
      .map((o) => ({ queueId: o.target!, menuId: menu.id, digit: o.digit })),
  );
  const first = used[0];
  if (first !== undefined) {
    throw new CallgateError(
      'conflict',
      `queue "${first.queueId}" is used by voice menu "${first.menuId}" (digit ${first.digit}); change the menu first`,
      { usedBy: used },
    );
  }
}

/**
 * An entry of the account's emergency list as decisions compare it: E.164 for a phone
 * number, the digits of a short number (2 to 8 digits, dialled as they are); undefined for
 * anything else (an extension or post-dial part included).
 */
function emergencyListEntry(text: string, defaultCountry: CountryCode): string | undefined {
  const dial = readDialString(text, defaultCountry);
  if (dial.problem !== undefined) return undefined;
  if (dial.e164 !== undefined) return dial.e164;
  return /^[0-9]{2,8}$/.test(dial.digits) ? dial.digits : undefined;
}
