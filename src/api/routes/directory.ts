import { Type } from '@sinclair/typebox';
import { signedIn } from '../access.js';
import type { RouteModule } from '../app.js';
import { userOf } from '../principal.js';
import { Nullable, errors } from '../schemas.js';
import {
  SEARCH_DEFAULT_LIMIT,
  SEARCH_KINDS,
  SEARCH_MAX_LIMIT,
  searchForAsker,
} from '../../telephony/directory-search.js';
import {
  CRM_SEARCH_DEFAULT_LIMIT,
  CRM_SEARCH_MAX_LIMIT,
  searchReadableCrmClients,
} from '../../telephony/crm-clients.js';

/**
 * The company structure as the web app's pickers need it: names for ids, the department
 * tree, workgroups and groups. Every employee may see who works where; phone numbers,
 * emails and CRM data stay out.
 */
export const directoryRoutes: RouteModule = (app, services) => {
  const { db } = services.store;
  app.get(
    '/api/v1/directory',
    {
      config: signedIn(
        'telephony',
        'the company directory (names and structure) is visible to every employee',
      ),
      schema: {
        tags: ['directory'],
        response: {
          200: Type.Object({
            users: Type.Array(
              Type.Object({
                id: Type.String(),
                name: Type.String(),
                active: Type.Boolean(),
                admin: Type.Boolean(),
                departmentIds: Type.Array(Type.String()),
              }),
            ),
            departments: Type.Array(
              Type.Object({
                id: Type.String(),
                name: Type.String(),
                parentId: Nullable(Type.String()),
                headUserId: Nullable(Type.String()),
              }),
            ),
            workgroups: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
            userGroups: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
          }),
          ...errors(401),
        },
      },
    },
    (request) => {
      const { directory } = userOf(request).state;
      return {
        users: directory.users.map((u) => ({
          id: u.id,
          name: u.name,
          active: u.active,
          admin: u.admin,
          departmentIds: [...u.departmentIds],
        })),
        departments: directory.departments.map(({ id, name, parentId, headUserId }) => ({
          id,
          name,
          parentId,
          headUserId,
        })),
        workgroups: directory.workgroups.map(({ id, name }) => ({ id, name })),
        userGroups: directory.userGroups.map(({ id, name }) => ({ id, name })),
      };
    },
  );

  app.get(
    '/api/v1/directory/search',
    {
      config: signedIn(
        'telephony',
        'every employee may find colleagues and departments by name or id; matching on emails and phone numbers needs telephonySettings.modify, decided in the use case',
      ),
      schema: {
        tags: ['directory'],
        description:
          'Prefix and word search for a picker: exact matches first, then id prefixes, then name (or email) prefixes, then word prefixes, each alphabetically.',
        querystring: Type.Object({
          q: Type.String({ maxLength: 100 }),
          kind: Type.Union(SEARCH_KINDS.map((k) => Type.Literal(k))),
          limit: Type.Optional(
            Type.Integer({ minimum: 1, maximum: SEARCH_MAX_LIMIT, default: SEARCH_DEFAULT_LIMIT }),
          ),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                name: Type.String(),
                active: Type.Optional(Type.Boolean()),
                email: Type.Optional(Nullable(Type.String())),
                extension: Type.Optional(Nullable(Type.String())),
                path: Type.Optional(Type.Array(Type.String())),
              }),
            ),
          }),
          ...errors(400, 401),
        },
      },
    },
    async (request) => {
      const { identity, state } = userOf(request);
      const { q, kind, limit } = request.query;
      const { items } = await searchForAsker(db, state, identity.userId, {
        kind,
        query: q,
        ...(limit !== undefined && { limit }),
      });
      return { items };
    },
  );

  app.get(
    '/api/v1/crm-clients/search',
    {
      config: signedIn(
        'telephony',
        "each user's CRM read scope (SPEC §6, the directory's crmReadScopes, not a catalogue permission) decides which clients they find, filtered in the SQL",
      ),
      schema: {
        tags: ['directory'],
        description:
          "The dial pad's phone book: CRM clients you may read (SPEC §6) whose name or a word of it starts with `q`, whose id is `q`, or one of whose numbers starts with its digits; alphabetical.",
        querystring: Type.Object(
          {
            q: Type.String({ minLength: 1, maxLength: 100 }),
            limit: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: CRM_SEARCH_MAX_LIMIT,
                default: CRM_SEARCH_DEFAULT_LIMIT,
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                type: Type.String(),
                name: Type.String(),
                phones: Type.Array(Type.String()),
              }),
            ),
          }),
          ...errors(400, 401),
        },
      },
    },
    async (request) => {
      const { identity, state } = userOf(request);
      const { q, limit } = request.query;
      return {
        items: await searchReadableCrmClients(
          db,
          state.policy,
          identity.accountId,
          identity.userId,
          { query: q, ...(limit !== undefined && { limit }) },
        ),
      };
    },
  );
};
