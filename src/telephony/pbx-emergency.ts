import type { CountryCode } from '../engine/phone-number.js';

/**
 * A region's emergency-number patterns for the PBX proxy's configuration. Until the engine
 * carries Google's short-number metadata (h/outbound), the proxy knows only the account's
 * own list.
 */
export function emergencyPatternsOf(_region: CountryCode): readonly string[] {
  return [];
}
