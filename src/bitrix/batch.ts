import { BitrixError, errorEnvelope, toBitrixError } from './errors.js';
import type { MethodAnswer, MethodContext } from './methods.js';
import { type Params, isFlagSet, parseBracketed } from './params.js';
import { type TimeBlock, timeBlock } from './time.js';

/** Bitrix24 runs at most 50 commands a batch. */
export const MAX_BATCH_COMMANDS = 50;

/** PHP's arrays, as Bitrix24 encodes them: a list when keyed 0…n-1 in order, else an object. */
function phpArray(entries: readonly [string, unknown][]): unknown {
  if (entries.every(([key], i) => key === String(i))) return entries.map(([, value]) => value);
  return Object.fromEntries(entries);
}

/** `$result[key][field]…` in a command's parameters: the value an earlier command answered. */
function substitute(text: string, results: ReadonlyMap<string, unknown>): string {
  return text.replace(/\$result((?:\[[^\][]{0,64}\]){1,6})/g, (whole, path: string) => {
    let value: unknown = Object.fromEntries(results);
    for (const [, key] of path.matchAll(/\[([^\][]*)\]/g)) {
      if (typeof value !== 'object' || value === null) return '';
      value = (value as Record<string, unknown>)[key!];
    }
    return typeof value === 'string' || typeof value === 'number' ? String(value) : whole && '';
  });
}

/**
 * `batch`: up to 50 commands (`cmd`, a map or a list of `method?query`), run in order as the
 * same caller, each through its own guard. With `halt` the first error stops the rest.
 * Answers Bitrix24's `result`, `result_error`, `result_total`, `result_next`, `result_time`.
 */
export async function runBatch(context: MethodContext): Promise<MethodAnswer> {
  const { params } = context;
  const cmd = params.cmd;
  if (typeof cmd !== 'object' || cmd === null)
    throw new BitrixError('ERROR_ARGUMENT', 400, 'cmd: give the commands, a map of method?query');
  const commands = Object.entries(cmd);
  if (commands.length > MAX_BATCH_COMMANDS)
    throw new BitrixError(
      'ERROR_BATCH_LENGTH_EXCEEDED',
      400,
      `Max batch length exceeded: at most ${MAX_BATCH_COMMANDS} commands`,
    );
  const halt = isFlagSet(params.halt);
  const results = new Map<string, unknown>();
  const errors: [string, unknown][] = [];
  const totals: [string, unknown][] = [];
  const nexts: [string, unknown][] = [];
  const times: [string, TimeBlock][] = [];
  for (const [key, command] of commands) {
    const started = context.now;
    const startedAt = performance.now();
    try {
      if (typeof command !== 'string')
        throw new BitrixError('ERROR_ARGUMENT', 400, 'a command is method?query');
      const mark = command.indexOf('?');
      const method = (mark < 0 ? command : command.slice(0, mark)).trim();
      if (method.toLowerCase() === 'batch')
        throw new BitrixError(
          'ERROR_BATCH_METHOD_NOT_ALLOWED',
          400,
          'Method is not allowed for batch usage',
        );
      const query = mark < 0 ? '' : substitute(command.slice(mark + 1), results);
      const commandParams: Params = Object.fromEntries(
        Object.entries(parseBracketed(query)).map(([name, value]) => [name.toLowerCase(), value]),
      );
      const answer = await context.call(method, commandParams);
      results.set(key, answer.result);
      if (answer.total !== undefined) totals.push([key, answer.total]);
      if (answer.next !== undefined) nexts.push([key, answer.next]);
      times.push([key, timeBlock(started, performance.now() - startedAt)]);
    } catch (error) {
      const failure = toBitrixError(error);
      if (failure.status >= 500 && failure.code !== 'QUERY_LIMIT_EXCEEDED') throw error;
      errors.push([key, errorEnvelope(failure)]);
      if (halt) break;
    }
  }
  return {
    result: {
      result: phpArray([...results]),
      result_error: phpArray(errors),
      result_total: phpArray(totals),
      result_next: phpArray(nexts),
      result_time: phpArray(times),
    },
  };
}
