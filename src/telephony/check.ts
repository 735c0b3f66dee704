import { ID_PATTERN } from '../engine/access-code.js';
import {
  CATALOGUE,
  type PermissionKey,
  isPermissionKey,
  isScopedPermission,
} from '../engine/catalogue.js';
import { mayAdministerPermissions } from '../engine/effective.js';
import { explain } from '../engine/explain.js';
import type { Explanation, Question } from '../engine/question.js';
import type { Policy } from '../engine/policy.js';
import { IssueList } from '../engine/validation-error.js';
import { CallgateError } from '../errors.js';
import { findCallOwners } from '../store/calls.js';
import type { Executor } from '../store/database.js';
import { callNotFound, seesCall } from './call-visibility.js';

/** "May this user do this, to this call / user / number?" (API.md "Check"). */
export interface CheckRequest {
  readonly userId: string;
  readonly permission: PermissionKey;
  readonly callId?: string;
  readonly targetUserId?: string;
  readonly phoneNumber?: string;
  /** With `phoneNumber`: the line the call would go out from (SPEC §5 rule 5). */
  readonly line?: string;
}

const LINE = /^\+[1-9][0-9]{6,14}$/;

const FIELDS = new Set([
  'line',
  'userId',
  'permission',
  'callId',
  'targetUserId',
  'phoneNumber',
  'explain',
]);

/** Checks a check request from outside; `where` prefixes the names of failing fields. */
export function parseCheckRequest(input: unknown, where = 'request'): CheckRequest {
  const issues = new IssueList();
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    issues.add(where, 'must be an object with userId and permission');
    issues.throwIfAny();
  }
  const body = input as Record<string, unknown>;
  for (const key of Object.keys(body))
    if (!FIELDS.has(key)) issues.add(`${where}.${key}`, 'unknown field');
  const id = (field: string): string | undefined => {
    const value = body[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !ID_PATTERN.test(value))
      issues.add(`${where}.${field}`, 'must match [A-Za-z0-9_.-]{1,64}');
    return value as string;
  };
  const userId = id('userId');
  if (userId === undefined) issues.add(`${where}.userId`, 'required');
  const callId = id('callId');
  const targetUserId = id('targetUserId');
  const { permission, phoneNumber, line } = body;
  if (line !== undefined) {
    if (typeof line !== 'string' || !LINE.test(line))
      issues.add(`${where}.line`, 'must be a number in E.164, such as +14155550100');
    else if (phoneNumber === undefined)
      issues.add(`${where}.line`, 'a line goes with a phoneNumber');
  }
  if (typeof permission !== 'string' || !isPermissionKey(permission)) {
    issues.add(`${where}.permission`, `must be one of ${Object.keys(CATALOGUE).join(', ')}`);
  }
  if (
    phoneNumber !== undefined &&
    (typeof phoneNumber !== 'string' || phoneNumber.length === 0 || phoneNumber.length > 40)
  ) {
    issues.add(`${where}.phoneNumber`, 'must be a string of 1 to 40 characters');
  }
  const targets = [callId, targetUserId, phoneNumber].filter((t) => t !== undefined).length;
  if (targets > 1)
    issues.add(where, 'ask about one of callId, targetUserId or phoneNumber, not several');
  if (issues.isEmpty) {
    const key = permission as PermissionKey;
    if (phoneNumber !== undefined && key !== 'outboundCall.perform') {
      issues.add(
        `${where}.phoneNumber`,
        'a phone number is checked against outboundCall.perform only',
      );
    }
    if ((callId !== undefined || targetUserId !== undefined) && !isScopedPermission(key)) {
      issues.add(
        `${where}.permission`,
        `${key} has no scope over calls or users; ask it without a target`,
      );
    }
  }
  issues.throwIfAny();
  return {
    userId: userId!,
    permission: permission as PermissionKey,
    ...(callId !== undefined && { callId }),
    ...(targetUserId !== undefined && { targetUserId }),
    ...(phoneNumber !== undefined && { phoneNumber: phoneNumber as string }),
    ...(line !== undefined && { line: line as string }),
  };
}

/** The engine's explanation; for a call, with the call's employee (null: none) to word it by. */
export type CheckAnswer = Explanation & { readonly owner?: string | null };

/**
 * Answers many checks against one compiled policy, in order. Calls are looked up in one
 * query for the whole batch, not one per check. A check about a call that does not exist
 * answers `not_found` in its place.
 */
export async function checkMany(
  db: Executor,
  accountId: string,
  policy: Policy,
  requests: readonly CheckRequest[],
): Promise<(CheckAnswer | CallgateError)[]> {
  const owners = await ownersOf(db, accountId, requests);
  return requests.map((request) => answerWith(policy, request, owners));
}

export async function checkOne(
  db: Executor,
  accountId: string,
  policy: Policy,
  request: CheckRequest,
): Promise<CheckAnswer> {
  const [answer] = await checkMany(db, accountId, policy, [request]);
  if (answer instanceof CallgateError) throw answer;
  return answer!;
}

/**
 * The check route's use case (API.md "Check"): `askerId` asks each request about
 * `request.userId`, in order (a batch answers each in its place; a request that could not
 * be parsed is passed in as its error and answered with it). Asking about another user
 * needs "may administer permissions" (telephonySettings.modify = any, SPEC §8) — which tells
 * how roles combine, not what calls exist. So a check naming a call answers 404 unless the
 * asker's own `callStats.view` reaches it, whoever the check is about and whatever the asker
 * administers (SPEC §10): otherwise the answer's detail would name the owner of any call
 * id. The calls' owners are read once, for the whole batch.
 *
 * @example await checkManyForAsker(db, 'acme', policy, 'u7', [{ userId: 'u0', permission: 'recording.listen', callId: 'call-u6' }]) // [not_found] unless u7 sees call-u6
 */
export async function checkManyForAsker(
  db: Executor,
  accountId: string,
  policy: Policy,
  askerId: string,
  requests: readonly (CheckRequest | CallgateError)[],
): Promise<(CheckAnswer | CallgateError)[]> {
  const asked = requests.filter((r): r is CheckRequest => !(r instanceof CallgateError));
  const owners = await ownersOf(db, accountId, asked);
  const mayAskOthers = mayAdministerPermissions(policy, askerId);
  return requests.map((request) => {
    if (request instanceof CallgateError) return request;
    if (request.userId !== askerId && !mayAskOthers) {
      return new CallgateError(
        'permission_denied',
        'checking another user needs telephonySettings.modify',
        { permission: 'telephonySettings.modify', requiredLevel: 'any' },
      );
    }
    if (request.callId !== undefined) {
      const owner = owners.get(request.callId);
      if (owner === undefined || !seesCall(policy, askerId, owner))
        return callNotFound(request.callId);
    }
    if (
      request.targetUserId !== undefined &&
      isScopedPermission(request.permission) &&
      !policy.users.has(request.targetUserId)
    ) {
      return new CallgateError('not_found', `user ${request.targetUserId} not found`);
    }
    return answerWith(policy, request, owners);
  });
}

/** {@link checkManyForAsker} for one request: its error is thrown. */
export async function checkForAsker(
  db: Executor,
  accountId: string,
  policy: Policy,
  askerId: string,
  request: CheckRequest,
): Promise<CheckAnswer> {
  const [answer] = await checkManyForAsker(db, accountId, policy, askerId, [request]);
  if (answer instanceof CallgateError) throw answer;
  return answer!;
}

/** The owners of the calls these requests name, in one query (none without a call). */
async function ownersOf(
  db: Executor,
  accountId: string,
  requests: readonly CheckRequest[],
): Promise<ReadonlyMap<string, string | null>> {
  const callIds = [...new Set(requests.flatMap((r) => (r.callId === undefined ? [] : [r.callId])))];
  return callIds.length === 0 ? new Map() : findCallOwners(db, accountId, callIds);
}

function answerWith(
  policy: Policy,
  request: CheckRequest,
  owners: ReadonlyMap<string, string | null>,
): CheckAnswer | CallgateError {
  if (request.callId === undefined) return explain(policy, toQuestion(request));
  const owner = owners.get(request.callId);
  if (owner === undefined) return callNotFound(request.callId);
  const answer = explain(policy, {
    userId: request.userId,
    permission: request.permission,
    targetUserId: owner,
  });
  return {
    ...answer,
    owner,
    detail: `call ${request.callId} belongs to ${owner ?? 'no employee'}: ${answer.detail}`,
  };
}

function toQuestion(request: CheckRequest): Question {
  return {
    userId: request.userId,
    permission: request.permission,
    ...(request.targetUserId !== undefined && { targetUserId: request.targetUserId }),
    ...(request.phoneNumber !== undefined && { phoneNumber: request.phoneNumber }),
    ...(request.line !== undefined && { line: request.line }),
  };
}
