import { type Static, Type } from '@sinclair/typebox';

/**
 * The directory document of API.md: the part of the company's people, structure and CRM
 * that permissions need. One schema drives validation, the TypeScript type and (later)
 * the OpenAPI document.
 */
export const Id = Type.String({
  pattern: '^[A-Za-z0-9_.-]{1,64}$',
  description: 'an id chosen by the importer',
});
const Name = Type.String({ minLength: 1, maxLength: 200 });
const PhoneText = Type.String({ minLength: 1, maxLength: 40 });
const NullableId = Type.Union([Id, Type.Null()]);
const Ids = Type.Array(Id, { maxItems: 100_000 });
const strict = { additionalProperties: false } as const;

export const DepartmentSchema = Type.Object(
  { id: Id, name: Name, parentId: NullableId, headUserId: Type.Optional(NullableId) },
  strict,
);

export const UserSchema = Type.Object(
  {
    id: Id,
    name: Name,
    email: Type.Optional(Type.Union([Type.String({ maxLength: 320 }), Type.Null()])),
    active: Type.Optional(Type.Boolean({ default: true })),
    admin: Type.Optional(Type.Boolean({ default: false })),
    departmentIds: Type.Optional(Ids),
    phones: Type.Optional(
      Type.Object(
        {
          work: Type.Optional(Type.Union([PhoneText, Type.Null()])),
          mobile: Type.Optional(Type.Union([PhoneText, Type.Null()])),
          extension: Type.Optional(
            Type.Union([Type.String({ pattern: '^[0-9]{1,10}$' }), Type.Null()]),
          ),
        },
        strict,
      ),
    ),
  },
  strict,
);

export const UserGroupSchema = Type.Object({ id: Id, name: Name, memberIds: Ids }, strict);

export const WorkgroupSchema = Type.Object(
  {
    id: Id,
    name: Name,
    ownerId: Id,
    moderatorIds: Type.Optional(Ids),
    memberIds: Type.Optional(Ids),
  },
  strict,
);

export const CrmClientTypeSchema = Type.Union([
  Type.Literal('contact'),
  Type.Literal('company'),
  Type.Literal('lead'),
]);

export const CrmClientSchema = Type.Object(
  {
    id: Id,
    type: CrmClientTypeSchema,
    name: Type.Optional(Name),
    phones: Type.Array(PhoneText, { maxItems: 50 }),
    responsibleUserId: Type.Optional(NullableId),
  },
  strict,
);

export const ScopeLevelSchema = Type.Union([
  Type.Literal('none'),
  Type.Literal('own'),
  Type.Literal('department'),
  Type.Literal('any'),
]);

export const CrmReadScopeSchema = Type.Object(
  {
    accessCode: Type.String({ maxLength: 200 }),
    type: CrmClientTypeSchema,
    level: ScopeLevelSchema,
  },
  strict,
);

export const DirectoryDocumentSchema = Type.Object(
  {
    departments: Type.Array(DepartmentSchema, { maxItems: 100_000 }),
    users: Type.Array(UserSchema, { maxItems: 1_000_000 }),
    userGroups: Type.Optional(Type.Array(UserGroupSchema, { maxItems: 100_000 })),
    workgroups: Type.Optional(Type.Array(WorkgroupSchema, { maxItems: 100_000 })),
    crmClients: Type.Optional(Type.Array(CrmClientSchema, { maxItems: 10_000_000 })),
    crmReadScopes: Type.Optional(Type.Array(CrmReadScopeSchema, { maxItems: 100_000 })),
    blockedNumbers: Type.Optional(Type.Array(PhoneText, { maxItems: 1_000_000 })),
  },
  strict,
);

export type DirectoryDocument = Static<typeof DirectoryDocumentSchema>;
