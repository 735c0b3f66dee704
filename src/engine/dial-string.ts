import googlePhoneNumbers from 'google-libphonenumber';
import { type CountryCode, normalizePhoneNumber } from './phone-number.js';

/**
 * What dialled text is, read once for every surface (the check route and CLI, the outbound
 * route, the PBX hook, the Bitrix24 methods all ask the engine, and the engine reads the
 * text here and nowhere else).
 *
 * - `digits`: the text without its formatting (spaces, dashes, dots, slashes, brackets),
 *   `+` kept in front: what the emergency metadata and the account's own lists compare.
 * - `e164`: the number in E.164 (national numbers in the account's default country), or
 *   undefined when it cannot be a phone number.
 * - `problem`: why the text is no number at all. `postDial` is text with an extension, a
 *   pause or post-dial digits (`,`, `;`, `#`, `*`, `p`, `w`, `x`, `ext`): a PBX dials
 *   those digits after the base number connects, so the base number's class would say
 *   nothing about the call (issue 10, item 9). They are refused, not stripped.
 */
export interface DialString {
  readonly digits: string;
  readonly e164: string | undefined;
  readonly problem: 'postDial' | 'notANumber' | undefined;
}

/** Formatting people write inside numbers; nothing else may appear in a dial string. */
const FORMATTING = /[\s().\-/]/g;
const PLAIN = /^\+?[0-9]{1,17}$/;
const POST_DIAL = /[,;#*pwx]|ext/i;

/**
 * Reads dialled text (see {@link DialString}).
 *
 * @example readDialString('(415) 555-0123', 'US') // { digits: '4155550123', e164: '+14155550123', problem: undefined }
 * @example readDialString('+14155550150,,,1900', 'US').problem // 'postDial'
 */
export function readDialString(text: string, defaultCountry: CountryCode): DialString {
  const digits = text.trim().replace(FORMATTING, '');
  if (!PLAIN.test(digits)) {
    return { digits, e164: undefined, problem: POST_DIAL.test(text) ? 'postDial' : 'notANumber' };
  }
  const e164 = normalizePhoneNumber(digits, defaultCountry);
  return { digits, e164, problem: undefined };
}

type RegionCode = Parameters<googlePhoneNumbers.ShortNumberInfo['isEmergencyNumber']>[1];

const shortNumbers = googlePhoneNumbers.ShortNumberInfo.getInstance();
const phoneNumbers = googlePhoneNumbers.PhoneNumberUtil.getInstance();

/**
 * Does `digits` (a dial string's digits, {@link readDialString}) reach emergency services
 * when dialled in `region`, as Google's short-number metadata says? Exact numbers only
 * (`isEmergencyNumber`, not the prefix match of `connectsToEmergencyNumber`): the PBX dials
 * the whole string, and a rule that nothing can refuse must not cover "911" followed by
 * any digits a fraudster likes.
 *
 * @example isEmergencyNumberIn('112', 'DE') // true
 */
export function isEmergencyNumberIn(digits: string, region: string): boolean {
  if (digits.length === 0 || digits.length > 8 || digits.startsWith('+')) return false;
  return shortNumbers.isEmergencyNumber(digits, region as RegionCode);
}

/** The raw short-number metadata: `[..., 27: emergency [, , pattern, , , , example]]`. */
interface ShortNumberMetadata {
  readonly countryToMetadata: Readonly<Record<string, readonly unknown[] | undefined>>;
}
const EMERGENCY_FIELD = 27;

/** What a switch (Kamailio, Asterisk) needs to recognise a region's emergency numbers alone. */
export interface EmergencyNumberPattern {
  readonly region: string;
  /** The metadata's national-number pattern, as libphonenumber writes it (JavaScript/PCRE). */
  readonly pattern: string;
  /** The same, anchored and in POSIX extended syntax (`(?:` → `(`), for Kamailio's `=~`. */
  readonly posixPattern: string;
  /** The metadata's example emergency number. */
  readonly example: string | null;
}

/**
 * The emergency numbers of a region as Google's short-number metadata writes them: the
 * pattern a switch matches the dialled digits against before (or instead of) asking
 * Callgate, so that an emergency call never waits on it. Undefined for a region the
 * metadata does not cover. The pattern matches the whole dialled string, digits only.
 *
 * @example emergencyNumberPatternFor('GB') // { region: 'GB', pattern: '112|999', posixPattern: '^(112|999)$', example: '112' }
 */
export function emergencyNumberPatternFor(region: string): EmergencyNumberPattern | undefined {
  const metadata = (googlePhoneNumbers as unknown as { shortnumbermetadata: ShortNumberMetadata })
    .shortnumbermetadata.countryToMetadata[region.toUpperCase()];
  const emergency = metadata?.[EMERGENCY_FIELD] as readonly unknown[] | undefined;
  const pattern = emergency?.[2];
  if (typeof pattern !== 'string') return undefined;
  const example = emergency?.[6];
  return {
    region: region.toUpperCase(),
    pattern,
    posixPattern: `^(${pattern.replaceAll('(?:', '(').replaceAll('\\d', '[0-9]')})$`,
    example: typeof example === 'string' ? example : null,
  };
}

/** What the phone-number metadata says about a number in E.164: its region and type. */
export interface NumberFacts {
  /** ISO 3166 region, or `ZZ` when the metadata places the number in no region. */
  readonly region: string;
  readonly isPremiumRate: boolean;
}

/**
 * The region and premium-rate type of an E.164 number, from the full metadata (the
 * destination policy, SPEC §5 rule 4). A number no region claims (an unassigned range of
 * a shared calling code) is in region `ZZ`: never the account's own country.
 *
 * @example describeNumber('+19005550123') // { region: 'US', isPremiumRate: true }
 */
export function describeNumber(e164: string): NumberFacts {
  try {
    const parsed = phoneNumbers.parse(e164);
    const region = phoneNumbers.getRegionCodeForNumber(parsed) ?? 'ZZ';
    return {
      region,
      isPremiumRate:
        phoneNumbers.getNumberType(parsed) === googlePhoneNumbers.PhoneNumberType.PREMIUM_RATE,
    };
  } catch {
    return { region: 'ZZ', isPremiumRate: false };
  }
}

/** The region a line (a number in E.164) is in, by the metadata; undefined when none is. */
export function regionOfNumber(e164: string): string | undefined {
  const region = describeNumber(e164).region;
  return region === 'ZZ' ? undefined : region;
}

const REGIONS: ReadonlySet<string> = new Set(phoneNumbers.getSupportedRegions());

/** Is `region` an ISO 3166 region the phone-number metadata knows (`GB`, `JM`)? */
export function isKnownRegion(region: string): boolean {
  return REGIONS.has(region);
}
