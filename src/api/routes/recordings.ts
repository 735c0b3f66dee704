import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CallgateError } from '../../errors.js';
import type { Policy } from '../../engine/policy.js';
import { localRecordingStorage } from '../../telephony/recording-storage.js';
import { type RecordingActor, describeRecording } from '../../telephony/recordings/access.js';
import { deleteCallRecording } from '../../telephony/recordings/delete.js';
import { AUDIO_FORMATS, recordingFileName } from '../../telephony/recordings/format.js';
import {
  liftRecordingLegalHold,
  setRecordingLegalHold,
} from '../../telephony/recordings/legal-hold.js';
import {
  auditRecordingAccess,
  findRecordingForListening,
  openRecordingForListening,
} from '../../telephony/recordings/listening.js';
import {
  SIGNED_RECORDING_PATH,
  issueRecordingUrl,
  verifyRecordingUrl,
} from '../../telephony/recordings/signed-urls.js';
import { uploadRecording } from '../../telephony/recordings/upload.js';
import { bulkDeleteRecordings } from '../../telephony/retention.js';
import { needs, signedIn } from '../access.js';
import type { RouteModule } from '../app.js';
import { userOf } from '../principal.js';
import { IdParam, Nullable, errors } from '../schemas.js';

/**
 * `audio/<subtype>`, with or without parameters (`audio/ogg; codecs=opus`): Fastify tests
 * the whole header value, parameters included.
 */
const AUDIO_CONTENT_TYPE = /^audio\/[a-z0-9.+-]+(?:;|$)/;

const CallParams = Type.Object({ id: IdParam });
const DownloadFlag = Type.Union([
  Type.Literal('1'),
  Type.Literal('0'),
  Type.Literal('true'),
  Type.Literal('false'),
]);
const isSet = (flag: string | undefined): boolean => flag === '1' || flag === 'true';

const RecordingSchema = Type.Object({
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  createdAt: Type.String(),
  legalHold: Nullable(Type.Object({ reason: Type.String(), by: Type.String(), at: Type.String() })),
});

/** Audio answers: the whole recording (200) or one byte range of it (206). */
const audio = (description: string) => ({
  description,
  content: {
    'audio/*': {
      schema: Type.Unsafe<Readable>({ type: 'string', format: 'binary' }),
    },
  },
});
const AUDIO_RESPONSES = {
  200: audio('the whole recording'),
  206: audio('the byte range asked for, with Content-Range'),
};

/** What a Range header asks of a file of `size` bytes. */
type RangeRequest =
  | { readonly kind: 'whole' }
  | { readonly kind: 'part'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

/**
 * Reads one `bytes=` range (RFC 9110 §14.1.2): `a-b`, `a-` or the suffix `-n`. Several
 * ranges (a multipart answer no audio player asks for), other units and malformed values
 * are refused as unsatisfiable rather than guessed at.
 */
function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'whole' };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  const unsatisfiable = { kind: 'unsatisfiable' } as const;
  if (match === null || size === 0) return unsatisfiable;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return unsatisfiable;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return unsatisfiable;
    return { kind: 'part', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return unsatisfiable;
  if (last === '') return { kind: 'part', start, end: size - 1 };
  const end = Number(last);
  if (end < start) return unsatisfiable;
  return { kind: 'part', start, end: Math.min(end, size - 1) };
}

/** Call recordings (SPEC §7, API.md): upload, play, download, signed URLs, delete, legal hold. */
export const recordingRoutes: RouteModule = (app, services) => {
  const { db } = services.store;
  const storage = localRecordingStorage(services.config.dataDir);
  const tags = ['recordings'];

  // This module's scope only: hand the request stream over unread, so an upload goes to
  // disk as it arrives (uploadRecording counts it against maxRecordingBytes) and is never
  // buffered in memory.
  app.addContentTypeParser(AUDIO_CONTENT_TYPE, (_request, payload, done) => done(null, payload));

  /**
   * Sends a recording the user may listen to: whole or one byte range, audited as played
   * or downloaded.
   */
  async function sendRecording(
    request: FastifyRequest,
    reply: FastifyReply,
    listener: RecordingActor & { readonly policy: Policy; readonly callId: string },
    options: {
      readonly download: boolean;
      readonly via: 'token' | 'signedUrl';
      readonly tag?: string;
    },
  ): Promise<FastifyReply> {
    const { recording, file } = await openRecordingForListening(db, storage, {
      ...listener,
      ...(options.tag !== undefined && { expectedTag: options.tag }),
    });
    const size = file.sizeBytes;
    const etag = `"${recording.sha256}"`;
    void reply
      .header('accept-ranges', 'bytes')
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff');
    // If-Range: a range of another version of the file would be garbage, so send it whole.
    const ifRange = request.headers['if-range'];
    const range = parseRange(
      ifRange === undefined || ifRange === etag ? request.headers.range : undefined,
      size,
    );
    try {
      if (range.kind === 'unsatisfiable') {
        void reply.header('content-range', `bytes */${size}`);
        throw new CallgateError(
          'range_not_satisfiable',
          `the recording has ${size} bytes; ask for one range as bytes=start-end, bytes=start- or bytes=-length`,
          { sizeBytes: size },
        );
      }
      // Any bytes served count, whatever the range: the use case audits the first read of
      // a playback session and lets a player's seeks within it pass (issue 10.3).
      await auditRecordingAccess(
        db,
        listener,
        {
          callId: listener.callId,
          recording,
          download: options.download,
          via: options.via,
        },
        services.now(),
      );
    } catch (error) {
      // No stream took the file over, so nothing else will close it.
      await file.close();
      throw error;
    }
    void reply.header('content-type', recording.contentType).header('etag', etag);
    if (options.download) {
      void reply.header(
        'content-disposition',
        `attachment; filename="${recordingFileName(listener.callId, recording.contentType)}"`,
      );
    }
    if (range.kind === 'whole') {
      return reply.status(200).header('content-length', String(size)).send(file.stream());
    }
    return reply
      .status(206)
      .header('content-length', String(range.end - range.start + 1))
      .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .send(file.stream(range));
  }

  const listenerOf = (request: FastifyRequest, callId: string) => {
    const { identity, state } = userOf(request);
    return {
      policy: state.policy,
      accountId: identity.accountId,
      userId: identity.userId,
      appId: identity.appId,
      callId,
    };
  };

  app.put(
    '/api/v1/calls/:id/recording',
    {
      config: signedIn(
        'calls.write',
        'applications ingest recordings with the calls.write scope; replacing one needs recording.delete for the user, checked in the use case',
      ),
      bodyLimit: services.config.maxRecordingBytes,
      schema: {
        tags,
        description:
          "Stores the audio of a call (body: audio/*, checked against its first bytes). Replacing a recording the call already has deletes it, so it needs recording.delete reaching the call's owner for the user behind the token (403 otherwise); one under legal hold is not replaced (409).",
        consumes: Object.values(AUDIO_FORMATS).map((format) => format.contentType),
        params: CallParams,
        response: errors(400, 401, 403, 404, 409, 413, 415),
      },
    },
    async (request, reply) => {
      const { identity, state } = userOf(request);
      const body: unknown = request.body;
      const contentType = request.headers['content-type'] ?? '';
      if (!(body instanceof Readable) || !AUDIO_CONTENT_TYPE.test(contentType.toLowerCase())) {
        throw new CallgateError(
          'unsupported_media_type',
          'a recording is sent as its raw audio with an audio/* Content-Type',
        );
      }
      const declared = Number(request.headers['content-length']);
      try {
        await uploadRecording(db, storage, {
          accountId: identity.accountId,
          callId: request.params.id,
          mediaType: contentType.split(';')[0]!.trim().toLowerCase(),
          ...(Number.isSafeInteger(declared) && { declaredBytes: declared }),
          source: body,
          maxBytes: services.config.maxRecordingBytes,
          actor: `user:${identity.userId}`,
          appId: identity.appId,
          replacingAs: { policy: state.policy, userId: identity.userId },
          now: services.now(),
        });
      } catch (error) {
        // The rest of the body is not read: close the connection once the answer is sent.
        if (error instanceof CallgateError && error.code === 'payload_too_large')
          void reply.header('connection', 'close');
        throw error;
      }
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/calls/:id/recording',
    {
      config: needs('telephony', 'recording.listen'),
      exposeHeadRoute: false,
      schema: {
        tags,
        description:
          'Plays the recording (HTTP Range supported); ?download=1 sends it as an attachment and is audited as a download.',
        params: CallParams,
        querystring: Type.Object(
          { download: Type.Optional(DownloadFlag) },
          { additionalProperties: false },
        ),
        response: { ...AUDIO_RESPONSES, ...errors(400, 401, 403, 404, 416) },
      },
    },
    async (request, reply) =>
      sendRecording(request, reply, listenerOf(request, request.params.id), {
        download: isSet(request.query.download),
        via: 'token',
      }),
  );

  app.get(
    '/api/v1/calls/:id/recording/meta',
    {
      config: needs('telephony', 'recording.listen'),
      exposeHeadRoute: false,
      schema: {
        tags,
        description:
          "The recording's type, size, checksum and legal hold, for those who may listen to it.",
        params: CallParams,
        response: { 200: RecordingSchema, ...errors(401, 403, 404) },
      },
    },
    async (request) =>
      describeRecording(
        await findRecordingForListening(db, listenerOf(request, request.params.id)),
      ),
  );

  app.post(
    '/api/v1/calls/:id/recording/url',
    {
      config: needs('telephony', 'recording.listen'),
      schema: {
        tags,
        description: `A short-lived URL (${services.config.signedUrlTtlSeconds} s) that plays the recording as this user without a token; the user's permission is checked again when it is used.`,
        params: CallParams,
        querystring: Type.Object(
          { download: Type.Optional(DownloadFlag) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ url: Type.String(), expiresAt: Type.String() }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) =>
      issueRecordingUrl(db, services.secrets, {
        ...listenerOf(request, request.params.id),
        download: isSet(request.query.download),
        ttlSeconds: services.config.signedUrlTtlSeconds,
        now: services.now(),
      }),
  );

  app.get(
    SIGNED_RECORDING_PATH,
    {
      config: { access: { kind: 'signedUrl' } },
      exposeHeadRoute: false,
      schema: {
        tags,
        description:
          'Follows a signed recording URL: the signature and expiry are checked, then the named user must still be allowed to listen.',
        security: [],
        querystring: Type.Object(
          {
            account: IdParam,
            call: IdParam,
            user: IdParam,
            rec: Type.String({ pattern: '^[0-9a-f]{16}$' }),
            exp: Type.Integer({ minimum: 0 }),
            download: Type.Optional(Type.Literal('1')),
            sig: Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$' }),
          },
          { additionalProperties: false },
        ),
        response: { ...AUDIO_RESPONSES, ...errors(400, 401, 403, 404, 416) },
      },
    },
    async (request, reply) => {
      const { sig, ...query } = request.query;
      const grant = { ...query, download: query.download === '1' };
      const now = services.now();
      verifyRecordingUrl(services.secrets, grant, sig, now);
      // The user may have lost access since the URL was issued: decide again, now.
      const state = await services.policies.get(db, grant.account, now);
      return sendRecording(
        request,
        reply,
        {
          policy: state.policy,
          accountId: grant.account,
          userId: grant.user,
          appId: null,
          callId: grant.call,
        },
        { download: grant.download, via: 'signedUrl', tag: grant.rec },
      );
    },
  );

  app.delete(
    '/api/v1/calls/:id/recording',
    {
      config: needs('telephony', 'recording.delete'),
      schema: {
        tags,
        description: 'Deletes the recording; refused (409 legal_hold) while a legal hold stands.',
        params: CallParams,
        response: errors(401, 403, 404, 409),
      },
    },
    async (request, reply) => {
      await deleteCallRecording(db, storage, {
        ...listenerOf(request, request.params.id),
        now: services.now(),
      });
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/recordings/bulk-delete',
    {
      config: needs('telephony', 'recording.delete'),
      schema: {
        tags,
        description:
          'Deletes the recordings of up to 1,000 calls, each as `DELETE /calls/{id}/recording` would (recording.delete reaching its owner, no legal hold, audited), and answers per call in order: `deleted`, `not_found` (no such call, none you may see, or no recording), `permission_denied` or `legal_hold`. One refused call does not keep the others.',
        body: Type.Object(
          { callIds: Type.Array(IdParam, { minItems: 1, maxItems: 1000 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            deleted: Type.Integer(),
            items: Type.Array(
              Type.Object({
                callId: Type.String(),
                status: Type.String(),
                message: Type.Optional(Type.String()),
              }),
            ),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => {
      const { identity, state } = userOf(request);
      const items = await bulkDeleteRecordings(db, storage, {
        policy: state.policy,
        accountId: identity.accountId,
        userId: identity.userId,
        appId: identity.appId,
        callIds: request.body.callIds,
        now: services.now(),
      });
      return { deleted: items.filter((item) => item.status === 'deleted').length, items };
    },
  );

  const adminsOnly = signedIn('telephony', 'account administrators only; checked in the handler');

  app.put(
    '/api/v1/calls/:id/recording/legal-hold',
    {
      config: adminsOnly,
      schema: {
        tags,
        description:
          'Puts the recording under legal hold (account administrators): nobody may delete or replace it until the hold is lifted.',
        params: CallParams,
        body: Type.Object(
          { reason: Type.String({ minLength: 1, maxLength: 500 }) },
          { additionalProperties: false },
        ),
        response: { 200: RecordingSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const change = {
        ...listenerOf(request, request.params.id),
        reason: request.body.reason,
        now: services.now(),
      };
      const recording = await db.transaction().execute((trx) => setRecordingLegalHold(trx, change));
      return describeRecording(recording);
    },
  );

  app.delete(
    '/api/v1/calls/:id/recording/legal-hold',
    {
      config: adminsOnly,
      schema: {
        tags,
        description: 'Lifts the legal hold on the recording (account administrators).',
        params: CallParams,
        response: errors(401, 403, 404),
      },
    },
    async (request, reply) => {
      const change = { ...listenerOf(request, request.params.id), now: services.now() };
      await db.transaction().execute((trx) => liftRecordingLegalHold(trx, change));
      return reply.status(204).send();
    },
  );
};
