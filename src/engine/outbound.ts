import {
  type DialString,
  describeNumber,
  isEmergencyNumberIn,
  readDialString,
  regionOfNumber,
} from './dial-string.js';
import { EXTENSION_PATTERN, type CountryCode } from './phone-number.js';
import {
  CRM_CLIENT_TYPES,
  type CrmClientRef,
  type PhoneBook,
  type PolicySubject,
} from './policy.js';

/** The destination policy (SPEC §5 rule 4, settings section `outbound-policy`). */
export interface DestinationPolicy {
  readonly premiumRate: 'block' | 'allow';
  readonly international: {
    readonly mode: 'any' | 'listed' | 'none';
    /** ISO 3166 regions that may be called when `mode` is `listed`. */
    readonly countries: readonly string[];
  };
}

/** Premium-rate numbers blocked, every country allowed: what an account starts with. */
export const DEFAULT_DESTINATION_POLICY: DestinationPolicy = Object.freeze({
  premiumRate: 'block',
  international: Object.freeze({ mode: 'any', countries: Object.freeze([]) }),
});

/** A rented number calls go out from, with who may use it (SPEC §5 rule 5). */
export interface Line {
  /** E.164. */
  readonly number: string;
  /** ISO 3166 region the line is in (the provider's record of it). */
  readonly country: string;
  /** Access codes that may call out from it; empty: everyone. */
  readonly accessCodes: readonly string[];
}

/** What the outbound rules read besides the directory (SPEC §5). */
export interface OutboundSource {
  readonly destinationPolicy: DestinationPolicy;
  /** The account's own emergency numbers (settings `emergency-numbers`): E.164 or short digits. */
  readonly emergencyNumbers: readonly string[];
  readonly lines: readonly Line[];
  /** User id → the caller-ID number (line) of their telephony settings. */
  readonly callerIds: ReadonlyMap<string, string>;
  /** The account's default caller ID (settings `general`), or null. */
  readonly defaultLine: string | null;
}

export const EMPTY_OUTBOUND_SOURCE: OutboundSource = {
  destinationPolicy: DEFAULT_DESTINATION_POLICY,
  emergencyNumbers: [],
  lines: [],
  callerIds: new Map(),
  defaultLine: null,
};

/** Why a number is an emergency number: the metadata of a region, or the account's list. */
export type EmergencySource = { readonly region: string } | { readonly accountList: true };

/** Why the destination policy refuses a number. */
export type PolicyRefusal =
  | { readonly setting: 'premiumRate' }
  | {
      readonly setting: 'international';
      readonly mode: 'listed' | 'none';
      readonly country: string;
    };

/**
 * Everything about one dialled text that does not depend on who dials it, worked out once
 * per policy: reading the text and asking the metadata is most of the cost of a decision
 * (about 10 µs), the rest is a few lookups.
 */
export interface DialledFacts {
  readonly text: string;
  readonly dial: DialString;
  /** The user an extension rings, when the text is one of the account's extensions. */
  readonly extensionOf: string | undefined;
  /** Digits only, at most 8 of them: what an emergency number in some country can be. */
  readonly isShort: boolean;
  /** Set when the text is an emergency number in the account's country or on its list. */
  readonly emergency: EmergencySource | undefined;
  readonly blocked: boolean;
  readonly refusal: PolicyRefusal | undefined;
  readonly crmClients: readonly CrmClientRef[] | undefined;
  /**
   * The same clients as the decision path reads them: per client, its type's position in
   * CRM_CLIENT_TYPES and its responsible user's row in the decision table (-1: a user the
   * policy does not know; -2: none). Rows, not ids: no lookup by id when deciding.
   */
  readonly crmTypes: Uint8Array;
  readonly crmOwners: Int32Array;
  readonly isEmployee: boolean;
}

const NO_CLIENTS = { types: new Uint8Array(0), owners: new Int32Array(0) };

/** A line as decisions read it. `mayUse[row]`: 0 not yet known, 1 may, 2 may not. */
export interface CompiledLine {
  readonly number: string;
  readonly country: string;
  /** Null when everyone may use the line. */
  readonly codes: ReadonlySet<string> | null;
  readonly mayUse: Uint8Array;
}

const E164 = /^\+[1-9][0-9]{6,14}$/;

/** How many dialled texts a policy remembers; past it, the oldest are forgotten. */
export const DIALLED_CACHE_SIZE = 50_000;

/**
 * The outbound half of a compiled policy: the account-wide facts of every number dialled
 * so far (a bounded cache, made afresh with each policy version, so a change to the lists
 * or the directory is seen at once), and the lines.
 */
export class CompiledOutbound {
  readonly source: OutboundSource;
  readonly lines: ReadonlyMap<string, CompiledLine>;
  readonly #country: CountryCode;
  readonly #book: PhoneBook;
  readonly #index: ReadonlyMap<string, number>;
  readonly #emergencyList: ReadonlySet<string>;
  readonly #international: ReadonlySet<string>;
  readonly #dialled = new Map<string, DialledFacts>();
  readonly #emergencyByRegion = new Map<string, Map<string, boolean>>();
  readonly #lineCountries = new Map<string, string | undefined>();

  /** Per user row, the caller-ID line of their settings, or null. */
  readonly callerLines: readonly (string | null)[];

  constructor(
    source: OutboundSource,
    country: CountryCode,
    book: PhoneBook,
    index: ReadonlyMap<string, number>,
    users: number,
  ) {
    this.source = source;
    this.#country = country;
    this.#book = book;
    this.#index = index;
    this.#emergencyList = new Set(source.emergencyNumbers);
    this.#international = new Set(source.destinationPolicy.international.countries);
    this.lines = new Map(
      source.lines.map((line) => [
        line.number,
        {
          number: line.number,
          country: line.country,
          codes: line.accessCodes.length === 0 ? null : new Set(line.accessCodes),
          mayUse: new Uint8Array(users),
        },
      ]),
    );
    const callerLines = new Array<string | null>(users).fill(null);
    for (const [userId, line] of source.callerIds) {
      const row = index.get(userId);
      if (row !== undefined) callerLines[row] = line;
    }
    this.callerLines = callerLines;
  }

  /** The facts of a dialled text, from the cache or worked out and remembered. */
  facts(text: string): DialledFacts {
    const known = this.#dialled.get(text);
    if (known !== undefined) return known;
    const facts = this.#describe(text);
    if (this.#dialled.size >= DIALLED_CACHE_SIZE) {
      // Maps iterate in insertion order: the first key is the oldest.
      this.#dialled.delete(this.#dialled.keys().next().value!);
    }
    this.#dialled.set(text, facts);
    return facts;
  }

  /**
   * The region whose emergency numbers include the text when dialled from `lineNumber`,
   * a line in another country than the account's (SPEC §5 rule 1); undefined otherwise.
   * The line may be one the account does not rent (a PBX may name any): its country is
   * then the metadata's.
   */
  emergencyRegionOnLine(facts: DialledFacts, lineNumber: string): string | undefined {
    // Emergency numbers are short digit strings: a full number is none in any country.
    if (!facts.isShort) return undefined;
    const country = this.countryOfLine(lineNumber);
    if (country === undefined || country === this.#country) return undefined;
    let byText = this.#emergencyByRegion.get(country);
    if (byText === undefined)
      this.#emergencyByRegion.set(country, (byText = new Map<string, boolean>()));
    let known = byText.get(facts.text);
    if (known === undefined) {
      known = isEmergencyNumberIn(facts.dial.digits, country);
      if (byText.size >= DIALLED_CACHE_SIZE) byText.clear();
      byText.set(facts.text, known);
    }
    return known ? country : undefined;
  }

  /** The country of a line: the rented line's record, else the metadata's region. */
  countryOfLine(lineNumber: string): string | undefined {
    const line = this.lines.get(lineNumber);
    if (line !== undefined) return line.country;
    if (this.#lineCountries.has(lineNumber)) return this.#lineCountries.get(lineNumber);
    const country = E164.test(lineNumber) ? regionOfNumber(lineNumber) : undefined;
    if (this.#lineCountries.size >= DIALLED_CACHE_SIZE) this.#lineCountries.clear();
    this.#lineCountries.set(lineNumber, country);
    return country;
  }

  #describe(text: string): DialledFacts {
    const trimmed = text.trim();
    const book = this.#book;
    const dial = readDialString(trimmed, this.#country);
    const extensionOf = EXTENSION_PATTERN.test(trimmed) ? book.extensions.get(trimmed) : undefined;
    const e164 = dial.e164;
    const isShort = dial.problem === undefined && /^[0-9]{1,8}$/.test(dial.digits);
    let emergency: EmergencySource | undefined;
    if (dial.problem === undefined) {
      if (isEmergencyNumberIn(dial.digits, this.#country)) emergency = { region: this.#country };
      else if (
        this.#emergencyList.has(dial.digits) ||
        (e164 !== undefined && this.#emergencyList.has(e164))
      )
        emergency = { accountList: true };
    }
    if (e164 === undefined) {
      return {
        text,
        dial,
        isShort,
        extensionOf,
        emergency,
        blocked: false,
        refusal: undefined,
        crmClients: undefined,
        crmTypes: NO_CLIENTS.types,
        crmOwners: NO_CLIENTS.owners,
        isEmployee: false,
      };
    }
    const crmClients = book.crmClients.get(e164);
    const clients =
      crmClients === undefined
        ? NO_CLIENTS
        : {
            types: Uint8Array.from(crmClients, (c) => CRM_CLIENT_TYPES.indexOf(c.type)),
            owners: Int32Array.from(crmClients, (c) =>
              c.responsibleUserId === null ? -2 : (this.#index.get(c.responsibleUserId) ?? -1),
            ),
          };
    return {
      text,
      dial,
      isShort,
      extensionOf,
      emergency,
      blocked: book.blocked.has(e164),
      refusal: this.#refusal(e164),
      crmClients,
      crmTypes: clients.types,
      crmOwners: clients.owners,
      isEmployee: book.employees.has(e164),
    };
  }

  #refusal(e164: string): PolicyRefusal | undefined {
    const policy = this.source.destinationPolicy;
    const { region, isPremiumRate } = describeNumber(e164);
    if (isPremiumRate && policy.premiumRate === 'block') return { setting: 'premiumRate' };
    const mode = policy.international.mode;
    if (mode !== 'any' && region !== this.#country) {
      if (mode === 'none' || !this.#international.has(region))
        return { setting: 'international', mode, country: region };
    }
    return undefined;
  }
}

/**
 * May the user at `row` (an active user; administrators are let through before) call out
 * from `line`? The list is empty, or the user holds one of its codes (SPEC §5 rule 5).
 * Worked out once per user and line, then read from `line.mayUse`.
 */
export function mayUseCompiledLine(
  line: CompiledLine,
  row: number,
  subject: PolicySubject,
  groupsAllowed: boolean,
): boolean {
  const codes = line.codes;
  if (codes === null) return true;
  const known = line.mayUse[row];
  if (known === 1) return true;
  if (known === 2) return false;
  let may = false;
  for (const code of subject.accessCodes) {
    // A group code can only be held on the on-premise edition (SPEC §9), as in compilePolicy.
    if (!groupsAllowed && code.startsWith('group:')) continue;
    if (codes.has(code)) {
      may = true;
      break;
    }
  }
  if (row < line.mayUse.length) line.mayUse[row] = may ? 1 : 2;
  return may;
}
