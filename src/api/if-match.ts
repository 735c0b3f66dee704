import { CallgateError } from '../errors.js';

/**
 * The version a change is based on, from `If-Match: 3`, `"3"` or `W/"3"`. Required: a
 * change that does not say what it was based on could silently undo another's (SPEC §8).
 */
export function parseIfMatch(header: string | undefined): number {
  const match = header === undefined ? null : /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) {
    throw new CallgateError(
      'invalid_request',
      'If-Match with the version this change is based on is required',
      {
        fields: [{ path: 'headers.if-match', message: 'required: the current version' }],
      },
    );
  }
  return Number(match[1]);
}
