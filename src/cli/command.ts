import type { ParseArgsConfig } from 'node:util';
import type { Store } from '../store/database.js';

export type OptionValues = Record<string, string | boolean | undefined>;

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
}

export interface CommandContext {
  readonly options: OptionValues;
  readonly positionals: readonly string[];
  readonly io: CliIo;
  /**
   * Opens the store named by --db, migrated to the latest schema unless `migrate` is false;
   * the command runner closes it.
   */
  readonly openStore: (options?: { readonly migrate?: boolean }) => Promise<Store>;
  readonly out: (line: string) => void;
}

/** One `callgate` command: its words, its options, and what it does. */
export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** How many positional arguments follow the command's words. */
  readonly positionals?: { readonly min: number; readonly max: number };
  run(context: CommandContext): Promise<number | void>;
}

/** The options every command takes. */
export const COMMON_OPTIONS = {
  db: { type: 'string' },
  account: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export class UsageError extends Error {}

export function requireOption(options: OptionValues, name: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}
