import { readFileSync } from 'node:fs';
import net from 'node:net';

/**
 * Every setting of `callgate serve`, in one table: each is a flag (`--rate-limit-per-token`),
 * an environment variable (`CALLGATE_RATE_LIMIT_PER_TOKEN`, plus the older names in
 * `aliases`) and a key of the optional JSON config file (`rateLimitPerToken`). Flags win
 * over the environment, the environment over the file, the file over the default. The
 * README's configuration table is this table (a test keeps them in step).
 *
 * Adding a setting is one entry here; `Config` gets its type from it.
 */
export const SETTINGS = {
  db: text('./callgate.db', 'a SQLite file path, or `postgres://user@host:port/db[?schema=name]`', {
    aliases: ['DATABASE_URL'],
    mask: 'url',
  }),
  host: text('127.0.0.1', 'the address to listen on', { aliases: ['HOST'] }),
  port: integer(3000, 'the TCP port to listen on (0: any free port)', {
    min: 0,
    max: 65535,
    aliases: ['PORT'],
  }),
  dataDir: text('./data', 'recordings and the generated secret key'),
  operatorToken: optionalText(
    'enables the operator endpoints (accounts, directories, applications, tokens)',
    { mask: 'secret' },
  ),
  secretKey: optionalText(
    '32+ bytes, base64 or hex: encrypts SIP secrets at rest and signs recording URLs; without it a key is generated into `<data-dir>/secret.key` (several servers must share one key)',
    { mask: 'secret' },
  ),
  logLevel: oneOf(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    'info',
    'log level; at `info` one JSON line per request',
    { aliases: ['LOG_LEVEL'] },
  ),
  tlsCert: optionalText(
    'a PEM certificate file: serves HTTPS (Bitrix24 clients require it), with `tls-key`',
  ),
  tlsKey: optionalText('the PEM private key file of `tls-cert`'),
  readDb: optionalText(
    'a PostgreSQL hot standby of `db`: serves call lists, details, statistics and the audit log (ARCHITECTURE.md, "Read replicas")',
    { mask: 'url', aliases: ['CALLGATE_READ_DATABASE_URL'] },
  ),
  readMaxLagSeconds: integer(
    5,
    'a replica further behind than this serves nothing: its reads go to the primary',
    { unit: 's', min: 1, max: 3600 },
  ),
  trustProxy: addressList(
    'the load balancers and proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed: addresses or CIDRs, comma-separated (`10.0.0.0/8,127.0.0.1`); empty trusts none',
  ),
  redisUrl: optionalText(
    '`redis://[:password@]host:6379[/db]`: rate limits shared by every server using it; unset or unreachable, each server limits on its own',
    { mask: 'url' },
  ),
  rateLimitWindowSeconds: integer(1, 'the rate limits count requests over windows this long', {
    unit: 's',
    min: 1,
    max: 3600,
  }),
  rateLimitPerAddress: integer(
    2000,
    'requests a window from one client address (behind a trusted proxy, the client’s own), counted before authentication',
    { unit: 'requests', min: 1 },
  ),
  rateLimitPerToken: integer(200, 'requests a window with one user or application token', {
    unit: 'requests',
    min: 1,
  }),
  rateLimitPbxPerToken: integer(
    5000,
    'PBX hook requests (`GET /api/v1/pbx/authorize`) a window with one token; emergency calls are never limited',
    { unit: 'requests', min: 1 },
  ),
  rateLimitPerAccount: integer(10000, 'requests a window with all the tokens of one account', {
    unit: 'requests',
    min: 1,
  }),
  metricsToken: optionalText(
    'serves `GET /metrics` on the main port to `Authorization: Bearer <this token>`',
    { mask: 'secret' },
  ),
  metricsPort: optionalInteger(
    'serves `GET /metrics` (and `/healthz`, `/readyz`) without a token on this port of `metrics-host`',
    { min: 0, max: 65535 },
  ),
  metricsHost: text('127.0.0.1', 'the address the metrics port listens on'),
  retentionSweepIntervalSeconds: integer(
    3600,
    'how often the server deletes recordings past their account’s retention (0: never; `callgate recordings sweep` runs it once)',
    { unit: 's', min: 0 },
  ),
  callPartitionsAheadMonths: integer(
    3,
    'PostgreSQL: the months of call history the server partitions ahead of this one, at start and daily (see "Partitioned call history")',
    { unit: 'months', min: 0, max: 120 },
  ),
  sweepGraceSeconds: integer(
    900,
    'at start-up, recording files a crash left behind are removed once untouched this long (on a shared volume a newer file may be another server’s upload in flight)',
    { unit: 's', min: 0 },
  ),
  tokenDefaultTtlSeconds: integer(
    30 * 24 * 3600,
    'how long a token minted without `ttlSeconds` lives',
    { unit: 's', min: 60 },
  ),
  tokenMaxTtlSeconds: integer(90 * 24 * 3600, 'the longest lifetime a token may be minted with', {
    unit: 's',
    min: 60,
  }),
  policyCacheMib: integer(
    256,
    'memory for compiled policies, least recently used accounts out first (about 90 kB for 50 users, 6 MB for 5,000)',
    { unit: 'MiB', min: 1 },
  ),
  maxRecordingBytes: integer(50 * 1024 * 1024, 'the largest recording upload accepted', {
    unit: 'bytes',
    min: 1,
  }),
  signedUrlTtlSeconds: integer(300, 'how long a signed recording URL lives', {
    unit: 's',
    min: 1,
    max: 86_400,
  }),
} as const satisfies Record<string, Setting<unknown>>;

export type SettingName = keyof typeof SETTINGS;
export type Config = { -readonly [K in SettingName]: SettingValue<(typeof SETTINGS)[K]> };
type SettingValue<S> = S extends Setting<infer T> ? T : never;

/** One setting: its default, how text becomes its value, and how it is shown. */
export interface Setting<T> {
  readonly defaultValue: T;
  readonly doc: string;
  /** What the number counts, for the README's table. */
  readonly unit?: string;
  /** Environment variables read too, after the CALLGATE_ one (the names used before). */
  readonly aliases?: readonly string[];
  /** `secret`: shown as set or unset; `url`: the password in it hidden. */
  readonly mask?: 'secret' | 'url';
  /** Text (a flag, a variable, a file value) as the value; throws a message on a bad one. */
  parse(text: string): T;
}

/** A bad setting, named the way it was given (flag, variable or file key). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** `rateLimitPerToken` → `rate-limit-per-token`. */
export const flagOf = (name: SettingName): string =>
  name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
/** `rateLimitPerToken` → `CALLGATE_RATE_LIMIT_PER_TOKEN`. */
export const envOf = (name: SettingName): string =>
  `CALLGATE_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

export interface ConfigSources {
  /** Flag values by flag name (`rate-limit-per-token`), as parseArgs gives them. */
  readonly flags?: Readonly<Record<string, unknown>>;
  readonly env?: NodeJS.ProcessEnv;
  /** A JSON file of `{ settingName: value }`; `--config`, else `$CALLGATE_CONFIG`. */
  readonly file?: string;
}

/**
 * The effective configuration: each setting from its flag, else its environment variable,
 * else the config file, else its default. Every setting is checked; the first bad one
 * throws a ConfigError naming it and where it came from.
 *
 * @example resolveConfig({ env: { CALLGATE_PORT: '8080' } }).port // 8080
 */
export function resolveConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? {};
  const flags = sources.flags ?? {};
  const path = typeof flags.config === 'string' ? flags.config : env.CALLGATE_CONFIG || undefined;
  const fileValues = path === undefined ? {} : readConfigFile(path);
  const config: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const setting: Setting<unknown> = SETTINGS[name];
    const flag = flags[flagOf(name)];
    const fromEnv = [envOf(name), ...(setting.aliases ?? [])].find(
      (variable) => env[variable] !== undefined && env[variable] !== '',
    );
    const [given, where] =
      typeof flag === 'string'
        ? [flag, `--${flagOf(name)}`]
        : fromEnv !== undefined
          ? [env[fromEnv]!, `$${fromEnv}`]
          : name in fileValues
            ? [fileValues[name]!, `${path}: ${name}`]
            : [undefined, ''];
    if (given === undefined) {
      config[name] = setting.defaultValue;
      continue;
    }
    try {
      config[name] = setting.parse(given);
    } catch (error) {
      throw new ConfigError(`${where}: ${(error as Error).message}`);
    }
  }
  return config as Config;
}

/** The defaults alone (what a server started without configuration runs with). */
export const defaultConfig = (): Config => resolveConfig({});

function readConfigFile(path: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`config file ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigError(`config file ${path}: must be a JSON object of settings`);
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(key in SETTINGS))
      throw new ConfigError(
        `config file ${path}: unknown setting "${key}" (settings: ${SETTING_NAMES.join(', ')})`,
      );
    // Numbers and lists are written naturally in JSON; each is checked like its text form.
    values[key] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return values;
}

/** The configuration as `callgate config print` shows it: secrets masked. */
export function describeConfig(config: Config): { name: string; env: string; value: unknown }[] {
  return SETTING_NAMES.map((name) => ({
    name,
    env: envOf(name),
    value: maskValue(SETTINGS[name], config[name]),
  }));
}

function maskValue(setting: Setting<unknown>, value: unknown): unknown {
  if (value === undefined || setting.mask === undefined) return value ?? null;
  if (setting.mask === 'secret') return '[set]';
  try {
    // URL settings are text (their parse keeps the string as given).
    const url = new URL(value as string);
    if (url.password !== '') url.password = '*****';
    return url.toString();
  } catch {
    return value; // a file path, not a URL
  }
}

// ——— Kinds of setting ————————————————————————————————————————————————————————————————

interface Common {
  readonly unit?: string;
  readonly aliases?: readonly string[];
  readonly mask?: 'secret' | 'url';
}

function text(defaultValue: string, doc: string, common: Common = {}): Setting<string> {
  return { defaultValue, doc, ...common, parse: (value) => value };
}

function optionalText(doc: string, common: Common = {}): Setting<string | undefined> {
  return { defaultValue: undefined, doc, ...common, parse: (value) => value || undefined };
}

function wholeNumber(value: string, min: number, max: number): number {
  const number = /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max)
    throw new Error(
      `must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, got ${JSON.stringify(value)}`,
    );
  return number;
}

function integer(
  defaultValue: number,
  doc: string,
  options: Common & { min?: number; max?: number } = {},
): Setting<number> {
  const { min = 0, max = Number.MAX_SAFE_INTEGER, ...common } = options;
  return { defaultValue, doc, ...common, parse: (value) => wholeNumber(value, min, max) };
}

function optionalInteger(
  doc: string,
  options: Common & { min?: number; max?: number } = {},
): Setting<number | undefined> {
  const { min = 0, max = Number.MAX_SAFE_INTEGER, ...common } = options;
  return {
    defaultValue: undefined,
    doc,
    ...common,
    parse: (value) => (value === '' ? undefined : wholeNumber(value, min, max)),
  };
}

function oneOf<const T extends string>(
  values: readonly T[],
  defaultValue: T,
  doc: string,
  common: Common = {},
): Setting<T> {
  return {
    defaultValue,
    doc,
    ...common,
    parse: (value) => {
      if (!(values as readonly string[]).includes(value))
        throw new Error(`must be one of ${values.join(', ')}, got ${JSON.stringify(value)}`);
      return value as T;
    },
  };
}

/**
 * Addresses and CIDRs of trusted proxies. "Trust everything" is refused on purpose: with
 * it any client could name its own address in X-Forwarded-For and escape its rate limit.
 */
function addressList(doc: string): Setting<readonly string[]> {
  return {
    defaultValue: [],
    doc,
    parse: (value) => {
      const entries = value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
      for (const entry of entries) {
        const [address = '', prefix, extra] = entry.split('/');
        const family = net.isIP(address);
        const maxPrefix = family === 6 ? 128 : 32;
        if (
          family === 0 ||
          extra !== undefined ||
          (prefix !== undefined &&
            (!/^\d{1,3}$/.test(prefix) || Number(prefix) > maxPrefix || Number(prefix) === 0))
        )
          throw new Error(
            `${JSON.stringify(entry)} is not an address or CIDR (trusting every address is not allowed: name the proxies)`,
          );
      }
      return entries;
    },
  };
}
