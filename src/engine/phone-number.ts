import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

export type { CountryCode };

/** Internal extensions: short digit strings dialled inside the account's PBX. */
export const EXTENSION_PATTERN = /^[0-9]{1,10}$/;

/**
 * A phone number in E.164, national numbers read in the account's default country, or
 * undefined when the text cannot be a phone number. "Possible" rather than "valid" on
 * purpose: libphonenumber's validity tables lag behind new number ranges, and a dialler
 * that refuses real numbers is worse than one that trusts the length rules.
 *
 * @example normalizePhoneNumber('(415) 555-0123', 'US') // '+14155550123'
 */
export function normalizePhoneNumber(
  text: string,
  defaultCountry: CountryCode,
): string | undefined {
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  return parsed?.isPossible() ? parsed.number : undefined;
}
