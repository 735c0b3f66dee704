import { accessCodeProblem, knownIds } from '../directory/directory.js';
import { mayUseLine } from '../engine/outbound-decision.js';
import { IssueList } from '../engine/validation-error.js';
import { CallgateError } from '../errors.js';
import { bumpVersions } from '../store/accounts.js';
import { type Actor, appendAudit } from '../store/audit.js';
import type { Executor } from '../store/database.js';
import { findLineAccess, writeLineAccess } from '../store/numbers.js';
import { type PolicyState, compileInputs } from './policy.js';
import { versionMismatch } from './settings.js';

/** A line's access list as the API answers it (`[]`: everyone may call out from it). */
export interface LineAccessView {
  readonly number: string;
  readonly accessCodes: string[];
  readonly version: number;
}

/** Who may call out from the line after a change and could not before, or the reverse. */
export interface LineAccessChange {
  readonly userId: string;
  readonly userName: string;
  readonly gains: boolean;
}

/** The most access codes one line's list may hold. */
const MAX_CODES = 1000;

/** A rented number's line access list (SPEC §5 rule 5); 404 when the account does not rent it. */
export async function readLineAccess(
  db: Executor,
  accountId: string,
  number: string,
): Promise<LineAccessView> {
  const access = await findLineAccess(db, accountId, number);
  if (access === undefined)
    throw new CallgateError('not_found', `this account does not rent ${number}`);
  return { number, accessCodes: [...access.accessCodes], version: access.version };
}

/**
 * Replaces a line's access list if it is still at `expectedVersion` (412 otherwise). The
 * codes must name items of the directory (as assignments' do), each once. The answer says
 * who gains or loses the use of the line — active users, by name; administrators always
 * may, so never change — and with `dryRun` nothing is saved. A saved change bumps the
 * policy version (every server's next decision sees it) and is audited with before and
 * after. Run inside a transaction.
 *
 * @example await changeLineAccess(trx, state, '+16285550140', ['department:sales'], 0, { dryRun: false, actor: 'user:ada', now })
 */
export async function changeLineAccess(
  db: Executor,
  state: PolicyState,
  number: string,
  accessCodes: readonly string[],
  expectedVersion: number,
  options: { readonly dryRun: boolean; readonly actor: Actor; readonly now: number },
): Promise<{ readonly access: LineAccessView; readonly changes: LineAccessChange[] }> {
  const accountId = state.account.id;
  const before = await readLineAccess(db, accountId, number);
  if (before.version !== expectedVersion) throw versionMismatch(before.version, expectedVersion);
  const issues = new IssueList();
  if (accessCodes.length > MAX_CODES)
    issues.add('accessCodes', `at most ${MAX_CODES} access codes`);
  const known = knownIds(state.directory);
  const seen = new Set<string>();
  accessCodes.forEach((code, i) => {
    const problem = accessCodeProblem(code, state.account.edition, known);
    if (problem !== undefined)
      issues.add(`accessCodes[${i}]`, problem.includes(code) ? problem : `${code}: ${problem}`);
    if (seen.has(code)) issues.add(`accessCodes[${i}]`, `${code} is listed twice`);
    seen.add(code);
  });
  issues.throwIfAny();

  const after = compileInputs(
    {
      ...state,
      outbound: {
        ...state.outbound,
        lines: state.outbound.lines.map((line) =>
          line.number === number ? { ...line, accessCodes: [...accessCodes] } : line,
        ),
      },
    },
    options.now,
    state.description,
  );
  const changes: LineAccessChange[] = [];
  for (const user of state.directory.users) {
    if (!user.active) continue;
    const may = mayUseLine(state.policy, user.id, number);
    const willMay = mayUseLine(after, user.id, number);
    if (may !== willMay) changes.push({ userId: user.id, userName: user.name, gains: willMay });
  }
  const access = { number, accessCodes: [...accessCodes], version: expectedVersion + 1 };
  if (options.dryRun) return { access: before, changes };

  if (!(await writeLineAccess(db, accountId, number, accessCodes, expectedVersion))) {
    const current = await findLineAccess(db, accountId, number);
    throw versionMismatch(current?.version ?? 0, expectedVersion);
  }
  await bumpVersions(db, accountId);
  await appendAudit(
    db,
    accountId,
    {
      type: 'number.accessChanged',
      actor: options.actor,
      subject: number,
      before: { accessCodes: before.accessCodes },
      after: { accessCodes: access.accessCodes },
      detail: {
        version: access.version,
        gains: changes.filter((c) => c.gains).map((c) => c.userId),
        loses: changes.filter((c) => !c.gains).map((c) => c.userId),
      },
    },
    options.now,
  );
  return { access, changes };
}
