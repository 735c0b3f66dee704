import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { registeredRoutes } from '../src/api/app.js';
import { describeHttp } from './http.js';

/** Hostile text for ids, filters and headers: injection, traversal, control characters, size. */
const hostile = fc.oneof(
  fc.constantFrom(
    "' OR 1=1 --",
    '"; drop table calls; --',
    '../../../../etc/passwd',
    '..%2F..%2Fsecret.key',
    '%00',
    '\u0000',
    'call-u4\u0000',
    '${7*7}',
    '<script>alert(1)</script>',
    'x'.repeat(5000),
    '-1',
    '1e309',
    'NaN',
    '[]',
    '{}',
    'null',
  ),
  fc.string({ maxLength: 80 }),
  fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/),
);

const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({ items: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }) }),
  fc.record(
    {
      name: hostile,
      permissions: fc.dictionary(hostile, hostile),
      plan: hostile,
      userId: hostile,
      to: hostile,
    },
    { requiredKeys: [] },
  ),
  // Deeply nested JSON: the parser and validators must not fall over.
  fc
    .integer({ min: 50, max: 2000 })
    .map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown),
);

describeHttp('hostile input', (h) => {
  test('random requests to every route never get a 5xx, and errors keep the documented shape', async () => {
    type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    const routes = registeredRoutes(h().app)
      .flatMap((r) =>
        (Array.isArray(r.method) ? r.method : [r.method]).map((method) => ({
          method: method as Method,
          url: r.url,
        })),
      )
      .filter((r) => (r.method as string) !== 'HEAD' && (r.method as string) !== 'OPTIONS');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(hostile, { minLength: 4, maxLength: 4 }),
        fc.dictionary(
          fc.constantFrom(
            'limit',
            'cursor',
            'from',
            'to',
            'userId',
            'direction',
            'groupBy',
            'dryRun',
            'type',
            'download',
            'format',
            'sig',
            'exp',
          ),
          hostile,
        ),
        body,
        fc.constantFrom(
          'application/json',
          'text/plain',
          'audio/wav',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          undefined,
        ),
        fc.constantFrom('u0', 'u4', 'app', 'operator', null),
        fc.option(
          fc.constantFrom(
            'bytes=0-',
            'bytes=-0',
            'bytes=9-1',
            'bytes=abc',
            'bytes=0-1,2-3',
            'items=0-1',
            `bytes=${'9'.repeat(30)}-`,
          ),
        ),
        async (route, segments, query, payload, contentType, as, range) => {
          let i = 0;
          const path = route.url.replace(/:[A-Za-z]+|\*/g, () =>
            encodeURIComponent(segments[i++ % segments.length]!),
          );
          const search = new URLSearchParams(query).toString();
          const headers: Record<string, string> = {};
          if (contentType !== undefined) headers['content-type'] = contentType;
          if (range !== null) headers.range = range;
          headers['if-match'] = segments[0]!.slice(0, 30).replace(/[^\x20-\x7e]/g, '');
          const response = await h().request(
            as,
            route.method,
            `${path}${search ? `?${search}` : ''}`,
            JSON.stringify(payload),
            headers,
          );
          assert.ok(
            response.statusCode < 500,
            `${route.method} ${path}?${search} → ${response.statusCode} ${response.body.slice(0, 300)}`,
          );
          if (response.statusCode >= 400 && !route.url.startsWith('/docs')) {
            const error = (
              JSON.parse(response.body) as { error?: { code?: unknown; message?: unknown } }
            ).error;
            assert.equal(typeof error?.code, 'string', response.body);
            assert.equal(typeof error?.message, 'string', response.body);
          }
        },
      ),
      { numRuns: 5000, includeErrorInReport: true },
    );
  });
});
