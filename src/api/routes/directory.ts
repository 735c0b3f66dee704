import { Type } from '@sinclair/typebox';
import { signedIn } from '../access.js';
import type { RouteModule } from '../app.js';
import { userOf } from '../principal.js';
import { Nullable, errors } from '../schemas.js';

/**
 * The company structure as the web app's pickers need it: names for ids, the department
 * tree, workgroups and groups. Every employee may see who works where; phone numbers,
 * emails and CRM data stay out.
 */
export const directoryRoutes: RouteModule = (app) => {
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
};
