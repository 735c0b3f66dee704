import { emergencyNumberPatternFor } from '../engine/dial-string.js';
import type { CountryCode } from '../engine/phone-number.js';

/**
 * A region's emergency-number patterns for the PBX proxy's configuration, from Google's
 * short-number metadata (the same the engine decides with): none for a region it does
 * not cover.
 *
 * @example emergencyPatternsOf('GB') // ['112|999']
 */
export function emergencyPatternsOf(region: CountryCode): readonly string[] {
  const found = emergencyNumberPatternFor(region);
  return found === undefined ? [] : [found.pattern];
}
