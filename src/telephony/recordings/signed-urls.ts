import { CallgateError } from '../../errors.js';
import type { Executor } from '../../store/database.js';
import type { Secrets } from '../secrets.js';
import { type ListenRequest, recordingTag } from './access.js';
import { findRecordingForListening } from './listening.js';

export const SIGNED_RECORDING_PATH = '/api/v1/recordings/signed';

/** What a signed URL grants: one user, one recording (as it was when signed), until `exp`. */
export interface RecordingGrant {
  readonly account: string;
  readonly call: string;
  readonly user: string;
  /** The start of the recording's sha256: a replaced recording is not the one granted. */
  readonly rec: string;
  /** Expiry, epoch seconds. */
  readonly exp: number;
  readonly download: boolean;
}

// A JSON array: no part can run into the next, whatever it holds.
const grantMessage = (grant: RecordingGrant): string =>
  JSON.stringify([
    'callgate recording url v1',
    grant.account,
    grant.call,
    grant.user,
    grant.rec,
    grant.exp,
    grant.download ? 1 : 0,
  ]);

/**
 * A short-lived URL that plays (or downloads) one recording as one user, for players that
 * cannot send a token (SPEC §7). Whoever follows it is checked again as that user.
 *
 * @example signRecordingUrl(secrets, { account: 'acme', call: 'c42', user: 'u4', rec, exp, download: false })
 *          // '/api/v1/recordings/signed?account=acme&call=c42&user=u4&rec=…&exp=…&sig=…'
 */
export function signRecordingUrl(secrets: Secrets, grant: RecordingGrant): string {
  const query = new URLSearchParams({
    account: grant.account,
    call: grant.call,
    user: grant.user,
    rec: grant.rec,
    exp: String(grant.exp),
    ...(grant.download && { download: '1' }),
    sig: secrets.sign(grantMessage(grant)),
  });
  return `${SIGNED_RECORDING_PATH}?${query.toString()}`;
}

/**
 * Checks a signed URL's signature (in constant time), then its expiry. A URL whose parts
 * were changed, or that has expired, is refused as unauthenticated.
 */
export function verifyRecordingUrl(
  secrets: Secrets,
  grant: RecordingGrant,
  signature: string,
  now: number,
): void {
  if (!secrets.verify(grantMessage(grant), signature)) {
    throw new CallgateError(
      'unauthenticated',
      'this recording URL is not valid: it was changed or not signed by Callgate',
    );
  }
  if (now >= grant.exp * 1000) {
    throw new CallgateError(
      'unauthenticated',
      `this recording URL expired at ${new Date(grant.exp * 1000).toISOString()}; ask for a new one`,
    );
  }
}

/**
 * Issues a signed URL for a user who may listen to the call's recording right now (the same
 * check as playing it), valid for `ttlSeconds`.
 */
export async function issueRecordingUrl(
  db: Executor,
  secrets: Secrets,
  request: ListenRequest & {
    readonly download: boolean;
    readonly ttlSeconds: number;
    readonly now: number;
  },
): Promise<{ readonly url: string; readonly expiresAt: string }> {
  const recording = await findRecordingForListening(db, request);
  const exp = Math.floor(request.now / 1000) + request.ttlSeconds;
  const url = signRecordingUrl(secrets, {
    account: request.accountId,
    call: request.callId,
    user: request.userId,
    rec: recordingTag(recording),
    exp,
    download: request.download,
  });
  return { url, expiresAt: new Date(exp * 1000).toISOString() };
}
