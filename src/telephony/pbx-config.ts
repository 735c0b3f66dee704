import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { CountryCode } from '../engine/phone-number.js';
import type { Executor } from '../store/database.js';
import { listRentedNumbers } from '../store/numbers.js';
import { findSection } from '../store/settings.js';
import { requireAccount } from './accounts.js';

/**
 * What a SIP proxy in front of the carrier must know without asking Callgate: the numbers
 * that reach emergency services (SPEC §5 rule 1), so that it routes them even when Callgate
 * cannot answer. Generated once per configuration; Callgate itself still classifies every
 * call it is asked about, so a number added later is routed whenever Callgate is up.
 */
export interface PbxEmergencyNumbers {
  /** The account's default country: national forms of its own list are read in it. */
  readonly country: CountryCode;
  /** The regions whose emergency numbers are included: the default country, then the lines'. */
  readonly regions: readonly CountryCode[];
  /**
   * Short-number patterns (regular expressions over the dialled digits, in the metadata's
   * syntax) per region, as Google's short-number metadata gives them.
   */
  readonly patterns: readonly { readonly region: CountryCode; readonly pattern: string }[];
  /** The account's own emergency numbers (settings section `emergency-numbers`): E.164 or short digits. */
  readonly numbers: readonly string[];
}

/**
 * Gives a region's emergency-number patterns. The engine's short-number metadata supplies it
 * (google-libphonenumber); it is a parameter so the proxy configuration can be built and
 * tested against any source of the same shape.
 */
export type EmergencyPatternSource = (region: CountryCode) => readonly string[];

/**
 * The emergency numbers of an account for its PBX proxy: its default country's and its
 * rented lines' countries' (a call may go out from a line abroad, SPEC §5), plus its own list.
 *
 * @example await loadPbxEmergencyNumbers(db, 'acme', patternsOf) // { regions: ['US'], … }
 */
export async function loadPbxEmergencyNumbers(
  db: Executor,
  accountId: string,
  patternsOf: EmergencyPatternSource,
): Promise<PbxEmergencyNumbers> {
  const account = await requireAccount(db, accountId);
  const regions = new Set<CountryCode>([account.defaultCountry]);
  // The country the provider records for each line, as the engine reads it (SPEC §5).
  for (const line of await listRentedNumbers(db, accountId))
    regions.add(line.country as CountryCode);
  const section = await findSection(db, accountId, 'emergency-numbers');
  const listed = (section?.value as { numbers?: unknown } | undefined)?.numbers;
  const numbers = Array.isArray(listed)
    ? listed.filter((n): n is string => typeof n === 'string')
    : [];
  return {
    country: account.defaultCountry,
    regions: [...regions],
    patterns: [...regions].flatMap((region) =>
      patternsOf(region).map((pattern) => ({ region, pattern })),
    ),
    numbers,
  };
}

/** Where the proxy listens, where it sends allowed calls, and how it reaches Callgate. */
export interface KamailioConfigOptions {
  readonly accountId: string;
  /** `http://host:port` (or https) of Callgate, without a path. */
  readonly callgateUrl: string;
  /** An application token with the `pbx` scope; undefined only without Callgate. */
  readonly token: string | undefined;
  readonly listen: HostPort;
  readonly carrier: HostPort;
  /** SIP worker processes: each waits on one Callgate query at a time. */
  readonly children: number;
  /** How long a query may take before the call is answered 503, in whole seconds (5.6). */
  readonly timeoutSeconds: number;
  /** False for the "no Callgate" variant (measurements only): every call goes to the carrier. */
  readonly callgate: boolean;
  /** Reuse one HTTP connection per worker (http_connect and Basic credentials). */
  readonly keepAlive: boolean;
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses `host:port` (an IPv4 address or a name; IPv6 in brackets). Undefined when malformed.
 *
 * @example parseHostPort('127.0.0.1:5060') // { host: '127.0.0.1', port: 5060 }
 */
export function parseHostPort(text: string): HostPort | undefined {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? { host: match[1]!, port } : undefined;
}

/**
 * The POSIX extended regular expression (anchored) Kamailio matches the dialled number
 * against. Metadata patterns use `\d` and `(?:…)`, which POSIX lacks; they are rewritten,
 * and anything else a POSIX engine would read differently is refused rather than guessed.
 * Each E.164 number of the account's list is matched as dialled in full (`+1…`, `1…`) and
 * in its national form (`415…`, or `0…` where the country dials a trunk prefix).
 *
 * @example emergencyRegex({ country: 'US', regions: ['US'], patterns: [{ region: 'US', pattern: '112|911' }], numbers: [] })
 * // '^(112|911)$'
 */
export function emergencyRegex(emergency: PbxEmergencyNumbers): string {
  const alternatives = new Set<string>();
  for (const { region, pattern } of emergency.patterns) {
    const posix = pattern.replace(/\\d/g, '[0-9]').replace(/\(\?:/g, '(');
    if (!/^[0-9[\]|(){},?*+-]+$/.test(posix)) {
      throw new Error(`emergency pattern of ${region} is not plain enough for POSIX: ${pattern}`);
    }
    alternatives.add(posix);
  }
  for (const number of emergency.numbers) {
    for (const dialled of dialledForms(number, emergency.country)) {
      alternatives.add(dialled.replace('+', '[+]'));
    }
  }
  // Nothing to match: only an empty number would, and the proxy answers those 484 first.
  if (alternatives.size === 0) return '^$';
  return `^(${[...alternatives].join('|')})$`;
}

/**
 * The ways a number of the account's emergency list may arrive as the R-URI user, as the
 * engine would read them: the entry's own digits, and for an E.164 entry in the account's
 * country the national forms that normalise to it (with and without the trunk prefix, and
 * the country code without `+`).
 */
function dialledForms(number: string, country: CountryCode): string[] {
  const digits = number.replace(/[\s().\-/]/g, '');
  if (!/^\+?[0-9]{1,17}$/.test(digits)) return [];
  const parsed = digits.startsWith('+') ? parsePhoneNumberFromString(digits) : undefined;
  if (parsed === undefined || parsed.country !== country) return [digits];
  const national = parsed.formatNational().replace(/[^0-9]/g, '');
  return [...new Set([digits, digits.slice(1), parsed.nationalNumber, national])];
}

const quoted = (text: string): string => {
  if (/["\\\r\n]/.test(text)) throw new Error(`not allowed in the configuration: ${text}`);
  return `"${text}"`;
};

const hostOf = (hp: HostPort): string => `${hp.host}:${hp.port}`;

/**
 * The Kamailio configuration: the definitions for this account, then the template
 * (integrations/kamailio/callgate.cfg.template) unchanged.
 */
export function renderKamailioConfig(
  template: string,
  options: KamailioConfigOptions,
  emergency: PbxEmergencyNumbers,
  generatedAt: Date,
): string {
  const url = new URL(options.callgateUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error('the Callgate URL must be http:// or https://');
  const base = `${url.protocol}//${url.host}`;
  const lines = [
    '#!KAMAILIO',
    `# Generated by \`callgate pbx kamailio-config\` for account ${options.accountId} at ${generatedAt.toISOString()}.`,
    '# It holds the PBX application token: keep it readable by the kamailio user only.',
    `# Emergency numbers of ${emergency.regions.join(', ')} (short-number metadata)` +
      (emergency.numbers.length > 0
        ? ` and the account's list (${emergency.numbers.join(', ')})`
        : '') +
      '.',
    '',
    `listen=udp:${hostOf(options.listen)}`,
    `#!define CALLGATE_CHILDREN ${options.children}`,
    `#!define CALLGATE_TIMEOUT ${options.timeoutSeconds}`,
    `#!define CALLGATE_CARRIER ${quoted(`sip:${hostOf(options.carrier)}`)}`,
    `#!define CALLGATE_EMERGENCY ${quoted(emergencyRegex(emergency))}`,
  ];
  if (options.callgate) {
    if (options.token === undefined) throw new Error('a token is needed to ask Callgate');
    // Callgate tokens are `cg_<id>.<secret>` in base64url: safe in a URL's user part and in
    // a quoted string; anything else is not one, and could break either.
    if (!/^[A-Za-z0-9._~-]{1,512}$/.test(options.token))
      throw new Error('the token is not a Callgate token');
    lines.push('#!define CALLGATE_ENABLED', `#!define CALLGATE_URL ${quoted(base)}`);
    if (options.keepAlive) {
      lines.push(
        '#!define CALLGATE_KEEPALIVE',
        `#!define CALLGATE_HTTPCON ${quoted(`callgate=>${url.protocol}//pbx:${options.token}@${url.host}`)}`,
      );
    } else {
      lines.push(`#!define CALLGATE_AUTH ${quoted(`Authorization: Bearer ${options.token}`)}`);
    }
  } else {
    lines.push(
      '# CALLGATE_ENABLED is not defined: every call goes to the carrier unasked (measurements only).',
    );
  }
  return `${lines.join('\n')}\n\n${template}`;
}
