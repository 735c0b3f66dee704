import { type Static, Type } from '@sinclair/typebox';
import { isIsoInstant } from '../../engine/roles.js';
import { CallgateError } from '../../errors.js';
import {
  AUDIT_EVENT_TYPES,
  type AuditEntry,
  type AuditQuery,
  queryAudit,
} from '../../store/audit.js';
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

function toQuery(
  filters: Static<typeof ExportQuery>,
  limit: number,
  beforeId?: number,
): AuditQuery {
  const time = (field: 'from' | 'to'): number | undefined => {
    const value = filters[field];
    if (value === undefined) return undefined;
    if (!isIsoInstant(value))
      throw new CallgateError(
        'invalid_request',
        `${field} must be an ISO 8601 date-time with a zone`,
      );
    return Date.parse(value);
  };
  const from = time('from');
  const to = time('to');
  return {
    limit,
    ...(from !== undefined && { from }),
    ...(to !== undefined && { to }),
    ...(filters.type !== undefined && { type: filters.type }),
    ...(filters.actor !== undefined && { actor: filters.actor }),
    ...(beforeId !== undefined && { beforeId }),
  };
}

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
      const query = toQuery(filters, limit + 1, cursor === undefined ? undefined : Number(cursor));
      const items = await services.reads.run(readerOf(principal), (reader) =>
        queryAudit(reader, principal.identity.accountId, query),
      );
      const page = items.slice(0, limit);
      return { items: page, nextCursor: items.length > limit ? String(page.at(-1)!.id) : null };
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
      const lines = await services.reads.run(readerOf(principal), async (reader) => {
        const found: string[] = format === 'csv' ? [CSV_HEADER] : [];
        // Page through in the database rather than loading the whole log at once.
        let beforeId: number | undefined;
        for (;;) {
          const page = await queryAudit(
            reader,
            identity.accountId,
            toQuery(filters, 1000, beforeId),
          );
          for (const entry of page)
            found.push(format === 'csv' ? csvLine(entry) : JSON.stringify(entry));
          if (page.length < 1000) break;
          beforeId = page.at(-1)!.id;
        }
        return found;
      });
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
