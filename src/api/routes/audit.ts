import { Type } from '@sinclair/typebox';
import type { AuditEntry } from '../../store/audit.js';
import { AUDIT_EVENT_TYPES, readAuditPage, readWholeAuditLog } from '../../telephony/audit.js';
import { needs } from '../access.js';
import type { RouteModule } from '../app.js';
import { readerOf, userOf } from '../principal.js';
import { Nullable, errors } from '../schemas.js';

const Filters = {
  from: Type.Optional(Type.String({ maxLength: 40 })),
  to: Type.Optional(Type.String({ maxLength: 40 })),
  type: Type.Optional(Type.Union(AUDIT_EVENT_TYPES.map((t) => Type.Literal(t)))),
  actor: Type.Optional(Type.String({ maxLength: 100 })),
};
const ListQuery = Type.Object(
  {
    ...Filters,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
  },
  { additionalProperties: false },
);
const ExportQuery = Type.Object(
  { ...Filters, format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('jsonl')])) },
  { additionalProperties: false },
);

const EntrySchema = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  type: Type.String(),
  subject: Nullable(Type.String()),
  before: Type.Optional(Type.Unknown()),
  after: Type.Optional(Type.Unknown()),
  detail: Type.Optional(Type.Unknown()),
});

const CSV_HEADER = 'id,at,actor,type,subject,before,after,detail';
const csvCell = (value: unknown): string => {
  const text =
    value === undefined || value === null
      ? ''
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  // Quote always, and defuse spreadsheet formulas: an audit export is opened in Excel.
  return `"${(/^[=+\-@]/.test(text) ? `'${text}` : text).replaceAll('"', '""')}"`;
};
const csvLine = (e: AuditEntry): string =>
  [e.id, e.at, e.actor, e.type, e.subject, e.before, e.after, e.detail].map(csvCell).join(',');

/** The audit log (SPEC §11): read and exported by holders of telephonySettings.modify. */
export const auditRoutes: RouteModule = (app, services) => {
  const tags = ['audit'];

  app.get(
    '/api/v1/audit-log',
    {
      config: needs('telephony', 'telephonySettings.modify'),
      schema: {
        tags,
        querystring: ListQuery,
        response: {
          200: Type.Object({ items: Type.Array(EntrySchema), nextCursor: Nullable(Type.String()) }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => {
      const principal = userOf(request);
      const { limit = 100, cursor, ...filters } = request.query;
      return services.reads.run(readerOf(principal), (reader) =>
        readAuditPage(reader, principal.identity.accountId, filters, {
          limit,
          ...(cursor !== undefined && { cursor: Number(cursor) }),
        }),
      );
    },
  );

  app.get(
    '/api/v1/audit-log/export',
    {
      config: needs('telephony', 'telephonySettings.modify'),
      schema: {
        tags,
        description: 'The whole filtered log as CSV or JSON lines, newest first.',
        querystring: ExportQuery,
        response: { ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const principal = userOf(request);
      const { identity } = principal;
      const { format = 'jsonl', ...filters } = request.query;
      // The whole export from one database: a replica failing half-way starts it again on
      // the primary rather than joining two sources.
      const entries = await services.reads.run(readerOf(principal), (reader) =>
        readWholeAuditLog(reader, identity.accountId, filters),
      );
      const lines = entries.map((entry) =>
        format === 'csv' ? csvLine(entry) : JSON.stringify(entry),
      );
      if (format === 'csv') lines.unshift(CSV_HEADER);
      const stamp = new Date(services.now()).toISOString().slice(0, 10);
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
        .header(
          'content-disposition',
          `attachment; filename="audit-${identity.accountId}-${stamp}.${format}"`,
        )
        .send(lines.join('\n') + (lines.length > 0 ? '\n' : ''));
    },
  );
};
