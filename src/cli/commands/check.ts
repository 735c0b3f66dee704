import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Policy } from '../../engine/policy.js';
import { ValidationError } from '../../engine/validation-error.js';
import { CallgateError, toCallgateError } from '../../errors.js';
import type { Executor } from '../../store/database.js';
import {
  type CheckAnswer,
  type CheckRequest,
  checkMany,
  checkOne,
  parseCheckRequest,
} from '../../telephony/check.js';
import { loadPolicyState } from '../../telephony/policy.js';
import { type Command, type CommandContext, UsageError, requireOption } from '../command.js';

const BATCH = 2000;

export const check: Command = {
  name: 'check',
  usage:
    'check --account ID --user ID --permission KEY [--call ID | --target-user ID | --phone NUMBER [--line E164]] [--json]\n' +
    '       check --account ID --batch FILE.jsonl',
  summary: 'may this user do this, and why; --batch answers one JSON line per question line',
  options: {
    user: { type: 'string' },
    permission: { type: 'string' },
    call: { type: 'string' },
    'target-user': { type: 'string' },
    phone: { type: 'string' },
    line: { type: 'string' },
    batch: { type: 'string' },
  },
  async run(context) {
    const { options } = context;
    const accountId = requireOption(options, 'account');
    if (typeof options.batch === 'string') return runBatch(context, accountId, options.batch);
    const request = parseCheckRequest(
      {
        userId: requireOption(options, 'user'),
        permission: requireOption(options, 'permission'),
        callId: options.call,
        targetUserId: options['target-user'],
        phoneNumber: options.phone,
        line: options.line,
      },
      'check',
    );
    const store = await context.openStore();
    const { policy } = await loadPolicyState(store.db, accountId);
    const answer = await checkOne(store.db, accountId, policy, request);
    if (options.json) context.out(JSON.stringify(answer));
    else printAnswer(context, request, answer);
    // The exit code answers the question too, so scripts can branch on it.
    return answer.allowed ? 0 : 3;
  },
};

function printAnswer(context: CommandContext, request: CheckRequest, answer: CheckAnswer): void {
  context.out(
    `${answer.allowed ? 'allowed' : 'denied'}: ${request.permission} at level ${answer.level}`,
  );
  context.out(answer.detail);
  if (answer.rule !== undefined)
    context.out(`classification: ${answer.classification ?? 'invalid'}; rule: ${answer.rule}`);
  for (const reason of answer.reasons) {
    context.out(
      'roleId' in reason
        ? `  ${reason.roleName} (${reason.roleId}) via ${reason.accessCode}: ${reason.level}`
        : `  rule: ${reason.rule}${describeParameters(reason)}`,
    );
  }
}

/** A rule's parameters, as `key=value` pairs after its name. */
function describeParameters(reason: object): string {
  const pairs = Object.entries(reason).filter(([key]) => key !== 'rule');
  return pairs.length === 0 ? '' : ` (${pairs.map(([k, v]) => `${k}=${String(v)}`).join(', ')})`;
}

/**
 * One answer line per question line, in order, against one compiled policy: the whole
 * company is audited without reloading. A bad line answers with its error in its place,
 * and the command ends non-zero.
 */
async function runBatch(context: CommandContext, accountId: string, path: string): Promise<number> {
  if (context.options.user !== undefined || context.options.permission !== undefined) {
    throw new UsageError('--batch takes its questions from the file; drop --user and --permission');
  }
  const store = await context.openStore();
  const { policy } = await loadPolicyState(store.db, accountId);
  const lines = createInterface({
    input: path === '-' ? process.stdin : createReadStream(path),
    crlfDelay: Infinity,
  });
  let failures = 0;
  let pending: (CheckRequest | CallgateError)[] = [];
  let lineNumber = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    failures += await answerBatch(context, store.db, accountId, policy, pending);
    pending = [];
  };
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      pending.push(parseLine(line, lineNumber));
      if (pending.length >= BATCH) await flush();
    }
  } catch (error) {
    throw new CallgateError(
      'invalid_request',
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  await flush();
  if (failures > 0)
    context.io.stderr.write(`callgate: ${failures} question line(s) could not be answered\n`);
  return failures > 0 ? 1 : 0;
}

function parseLine(line: string, lineNumber: number): CheckRequest | CallgateError {
  try {
    return parseCheckRequest(JSON.parse(line), `line ${lineNumber}`);
  } catch (error) {
    if (error instanceof SyntaxError)
      return new CallgateError('invalid_request', `line ${lineNumber}: not JSON`);
    if (error instanceof ValidationError) return toCallgateError(error);
    throw error;
  }
}

async function answerBatch(
  context: CommandContext,
  db: Executor,
  accountId: string,
  policy: Policy,
  batch: readonly (CheckRequest | CallgateError)[],
): Promise<number> {
  const requests = batch.filter((item): item is CheckRequest => !(item instanceof CallgateError));
  const answers = await checkMany(db, accountId, policy, requests);
  let next = 0;
  let failures = 0;
  const out: string[] = [];
  for (const item of batch) {
    const answer = item instanceof CallgateError ? item : answers[next++]!;
    if (answer instanceof CallgateError) {
      failures++;
      out.push(
        JSON.stringify({
          error: { code: answer.code, message: answer.message, ...answer.details },
        }),
      );
    } else {
      const { allowed, level, reasons, detail, classification, rule } = answer;
      out.push(JSON.stringify({ allowed, level, reasons, detail, classification, rule }));
    }
  }
  context.out(out.join('\n'));
  return failures;
}
