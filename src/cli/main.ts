import { parseArgs } from 'node:util';
import { toCallgateError } from '../errors.js';
import { type Store, openStore } from '../store/database.js';
import { COMMON_OPTIONS, type CliIo, type Command, UsageError } from './command.js';
import { accountCreate } from './commands/account-create.js';
import { auditVerify } from './commands/audit-verify.js';
import { backup, restore } from './commands/backup.js';
import { callsImport } from './commands/calls-import.js';
import { check } from './commands/check.js';
import { demo } from './commands/demo.js';
import { secretsRotate } from './commands/secrets-rotate.js';
import { recordingsSweep } from './commands/recordings-sweep.js';
import { configPrint, serve } from './commands/serve.js';
import { userPassword } from './commands/user-password.js';
import { directoryImport } from './commands/directory-import.js';
import { effective } from './commands/effective.js';
import { rolesExport, rolesImport } from './commands/roles.js';

export const COMMANDS: readonly Command[] = [
  accountCreate,
  directoryImport,
  callsImport,
  rolesExport,
  rolesImport,
  effective,
  check,
  demo,
  serve,
  configPrint,
  recordingsSweep,
  userPassword,
  auditVerify,
  secretsRotate,
  backup,
  restore,
];

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

function usage(): string {
  return [
    'usage: callgate <command> [options]   (every command takes --db PATH|URL and --account ID)',
    '',
    ...COMMANDS.map((c) => `  ${c.usage.padEnd(60)}\n      ${c.summary}`),
    '',
    '--db defaults to $CALLGATE_DB, then $DATABASE_URL, then ./callgate.db (SQLite); postgres://… selects PostgreSQL.',
  ].join('\n');
}

/**
 * Runs one command line and returns its exit code. Errors go to stderr with their code
 * and every issue found; nothing is half-written because every write is one transaction.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const command = COMMANDS.find((c) => {
    const words = c.name.split(' ');
    return words.every((word, i) => argv[i] === word);
  });
  if (!command) {
    const asked = argv
      .filter((a) => !a.startsWith('-'))
      .slice(0, 2)
      .join(' ');
    io.stderr.write(
      `${asked && !argv.includes('--help') ? `callgate: unknown command "${asked}"\n` : ''}${usage()}\n`,
    );
    return argv.length === 0 || argv.includes('--help') || argv.includes('-h') ? 0 : EXIT_USAGE;
  }
  let store: Store | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: argv.slice(command.name.split(' ').length),
      options: { ...COMMON_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.stdout.write(`usage: callgate ${command.usage}\n${command.summary}\n`);
      return 0;
    }
    const range = command.positionals ?? { min: 0, max: 0 };
    if (positionals.length < range.min || positionals.length > range.max) {
      throw new UsageError(
        `expected ${range.min === range.max ? range.min : `${range.min} to ${range.max}`} argument(s), got ${positionals.length}`,
      );
    }
    const url =
      typeof values.db === 'string'
        ? values.db
        : io.env.CALLGATE_DB || io.env.DATABASE_URL || './callgate.db';
    const code = await command.run({
      options: values,
      positionals,
      io,
      openStore: async (options) => (store ??= await openStore(url, options)),
      out: (line) => io.stdout.write(`${line}\n`),
    });
    return code ?? 0;
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: unknown }).code?.toString().startsWith('ERR_PARSE_ARGS')
    ) {
      io.stderr.write(
        `callgate ${command.name}: ${(error as Error).message}\nusage: callgate ${command.usage}\n`,
      );
      return EXIT_USAGE;
    }
    const known = toCallgateError(error);
    if (known.code === 'internal_error') {
      io.stderr.write(`callgate ${command.name}: ${(error as Error).stack ?? String(error)}\n`);
      return EXIT_FAILURE;
    }
    const issues = known.details.issues as readonly { path: string; message: string }[] | undefined;
    if (issues === undefined) {
      io.stderr.write(`callgate ${command.name}: ${known.code}: ${known.message}\n`);
    } else {
      io.stderr.write(
        `callgate ${command.name}: ${known.code}: ${issues.length} problem(s), nothing was changed\n`,
      );
      for (const issue of issues) io.stderr.write(`  ${issue.path}: ${issue.message}\n`);
    }
    return EXIT_FAILURE;
  } finally {
    await store?.close();
  }
}
