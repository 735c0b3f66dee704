import { type Static, Type } from '@sinclair/typebox';
import {
  SECTION_SCHEMAS,
  SETTINGS_SECTIONS,
  type SectionDocument,
  type SettingsSection,
  readSettingsSection,
  saveSettingsSection,
} from '../../telephony/settings.js';
import { parseIfMatch } from '../if-match.js';
import { CallgateError } from '../../errors.js';
import { needs } from '../access.js';
import type { RouteModule } from '../app.js';
import { userOf } from '../principal.js';
import { errors } from '../schemas.js';
import { previewRecordingsFolder } from '../../telephony/role-admin.js';
import { DryRunAnswer, DryRunQuery, isDryRun } from './permissions.js';

const DESCRIPTIONS = {
  general: 'Call recording, the default outbound caller ID (a rented number), the language.',
  'blocked-numbers':
    'Numbers nobody may call, normalised to E.164 in the account’s default country. Part of the directory: a directory import replaces them, and the version is the directory’s.',
  documents: 'Documents offered to employees: id, name, link.',
  queues: 'Call queues (user groups of the help pages): members and ringing strategy.',
  ivr: 'Voice menus: a greeting and what each key does.',
  'recordings-folder':
    'The “Recorded calls” folder’s access list: access code → read | none; an explicit none wins.',
  retention:
    'How many days recordings are kept (`null`: forever, the default); the retention sweep deletes older ones, never one under legal hold.',
  'outbound-policy':
    'The destination policy, for everyone, administrators included: premium-rate numbers (block by default) and international calls (any, listed countries, or none).',
  'emergency-numbers':
    'Numbers the account treats as emergency numbers on top of the phone-number metadata’s: always allowed, to any caller, and audited.',
} as const satisfies Record<SettingsSection, string>;

/**
 * The account's telephony settings, one route pair per section so that each body has its
 * own schema (and its own OpenAPI entry): `GET` answers `{section, value, version}`, `PUT`
 * replaces the section given `If-Match: <version>`. Any other section name is not found.
 */
export const settingsRoutes: RouteModule = (app, services) => {
  const { db } = services.store;
  const tags = ['settings'];
  const access = needs('telephony', 'telephonySettings.modify');

  for (const section of SETTINGS_SECTIONS) {
    const url = `/api/v1/settings/${section}`;
    const schema = SECTION_SCHEMAS[section];
    const answer = Type.Object({
      section: Type.Literal(section),
      value: schema,
      version: Type.Integer(),
    });
    // The folder's list changes who may listen: it answers a dry run like the other
    // permission editors (roles, assignments, line access), with who gains or loses what.
    const previews = section === 'recordings-folder';

    app.get(
      url,
      {
        config: access,
        schema: {
          tags,
          description: DESCRIPTIONS[section],
          response: { 200: answer, ...errors(401, 403) },
        },
      },
      async (request, reply) => {
        const { identity } = userOf(request);
        const view = await readSettingsSection(db, identity.accountId, section);
        return reply.header('etag', `"${view.version}"`).send(view);
      },
    );

    app.put(
      url,
      {
        config: access,
        schema: {
          tags,
          description: DESCRIPTIONS[section],
          headers: Type.Object({
            'if-match': Type.Optional(
              Type.String({ description: 'the version the change is based on' }),
            ),
          }),
          body: schema,
          ...(previews && { querystring: DryRunQuery }),
          response: {
            200: previews ? Type.Union([answer, DryRunAnswer]) : answer,
            ...errors(400, 401, 403, 409, 412),
          },
        },
      },
      async (request, reply) => {
        const { identity, state } = userOf(request);
        // The body was validated against this section's schema.
        const document = { section, value: request.body } as SectionDocument;
        if (
          document.section === 'recordings-folder' &&
          isDryRun(request.query as Static<typeof DryRunQuery>)
        ) {
          const changes = await previewRecordingsFolder(
            db,
            identity.accountId,
            document.value.entries,
            services.now(),
            state,
          );
          return reply.send({ dryRun: true as const, changes });
        }
        const expectedVersion = parseIfMatch(request.headers['if-match']);
        const view = await db
          .transaction()
          .execute((trx) =>
            saveSettingsSection(
              trx,
              identity.accountId,
              document,
              expectedVersion,
              { actor: `user:${identity.userId}`, userId: identity.userId },
              services.now(),
              state,
            ),
          );
        return reply.header('etag', `"${view.version}"`).send(view);
      },
    );
  }

  // Any other name: the static routes above win over this one, so it answers only sections
  // that do not exist — 404, naming the ones that do. Hidden from the OpenAPI document,
  // which lists each real section with its own schema.
  const unknownSection = {
    config: access,
    schema: { hide: true, params: Type.Object({ section: Type.String() }) },
  };
  const refuseUnknown = (request: { params: { section: string } }): never => {
    throw new CallgateError(
      'not_found',
      `no settings section "${request.params.section}"; the sections are ${SETTINGS_SECTIONS.join(', ')}`,
      { sections: SETTINGS_SECTIONS },
    );
  };
  app.get('/api/v1/settings/:section', unknownSection, refuseUnknown);
  app.put('/api/v1/settings/:section', unknownSection, refuseUnknown);
};
