import { Writable } from 'node:stream';
import { runCli } from '../src/cli/main.js';

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `callgate <args>` in process and returns its exit code and output. The output
 * streams keep each chunk as it is written, so nothing is still in flight when the command
 * returns.
 */
export async function runCallgate(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Run> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const into = (kept: Buffer[]) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        kept.push(chunk);
        done();
      },
    });
  const code = await runCli(args, { stdout: into(out), stderr: into(err), env });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

/** `callgate <args> --db <db>`, as {@link runCallgate}. */
export function callgate(
  db: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Run> {
  return runCallgate([...args, '--db', db], env);
}
