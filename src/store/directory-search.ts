import { type Insertable, sql } from 'kysely';
import type { Directory } from '../directory/directory.js';
import type { Executor } from './database.js';
import type { Database, DirectorySearchTable } from './schema.js';

export type SearchKind = DirectorySearchTable['item_kind'];
export type SearchField = DirectorySearchTable['field'];

/** One item found, best first. `rank`: the stage that found it (0 exact … 5 word prefixes). */
export interface SearchHit {
  readonly id: string;
  readonly rank: number;
}

/**
 * Lower case without accents, as terms are stored and queries compared. Canonical
 * decomposition (NFD) only: compatibility forms stay apart, so a look-alike such as a
 * full-width "ｕ４" finds no "u4" (test/http-hostile.test.ts).
 *
 * @example fold('  José Núñez ') // 'jose nunez'
 */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
}

/** The searchable rows of a directory, written with it (store/directory.ts#replaceDirectory). */
export function searchRows(
  accountId: string,
  directory: Directory,
): Insertable<Database['directory_search']>[] {
  const rows: Insertable<Database['directory_search']>[] = [];
  const add = (
    item_kind: SearchKind,
    item_id: string,
    name: string,
    extra: readonly (readonly [SearchField, string | null])[] = [],
  ): void => {
    const sort_key = fold(name);
    const seen = new Set<string>();
    const put = (field: SearchField, term: string): void => {
      if (term === '' || seen.has(`${field}\u0000${term}`)) return;
      seen.add(`${field}\u0000${term}`);
      rows.push({ account_id: accountId, item_kind, term, item_id, field, sort_key });
    };
    put('id', fold(item_id));
    put('name', sort_key);
    for (const word of sort_key.split(/[^\p{L}\p{N}]+/u)) put('word', word);
    for (const [field, value] of extra) {
      if (value !== null) put(field, field === 'phone' ? value.replace(/\D/g, '') : fold(value));
    }
  };
  for (const u of directory.users) {
    add('user', u.id, u.name, [
      ['email', u.email],
      ['phone', u.phones.work],
      ['phone', u.phones.mobile],
      ['phone', u.phones.extension],
    ]);
  }
  for (const d of directory.departments) add('department', d.id, d.name);
  for (const w of directory.workgroups) add('workgroup', w.id, w.name);
  for (const g of directory.userGroups) add('group', g.id, g.name);
  return rows;
}

/**
 * The first text after every string that starts with `prefix`, in code-point (= UTF-8 byte)
 * order: `term >= prefix and term < upper` is then one index range of prefixes.
 */
function upperBound(prefix: string): string {
  const points = [...prefix];
  const last = points.pop()!.codePointAt(0)!;
  return points.join('') + String.fromCodePoint(last + 1);
}

/**
 * The stages of a search, best first: an exact term, then prefixes of the id, the whole
 * name, the email and a phone number, then items each of whose query words starts a word
 * of theirs. Each stage reads one range of the primary key in its order, so it stops after
 * `limit` rows however many match: a one-letter query over 100,000 people costs what a
 * precise one does (bench/search.ts). Within a stage, items come in the order of the
 * matched term — for the name stage that is alphabetical by name — then by name.
 */
const PREFIX_STAGES = ['id', 'name', 'email', 'phone'] as const satisfies readonly SearchField[];

/**
 * Items of one kind that `query` finds in `fields`, best first (see the stages above). A
 * query that looks like a phone number is searched as its digits.
 *
 * @example searchDirectory(db, 'acme', { kind: 'user', query: 'mia', fields: ['id', 'name', 'word'], limit: 20 })
 */
export async function searchDirectory(
  db: Executor,
  accountId: string,
  options: {
    readonly kind: SearchKind;
    readonly query: string;
    readonly fields: readonly SearchField[];
    readonly limit: number;
  },
): Promise<SearchHit[]> {
  const folded = fold(options.query);
  const phoneLike = /\d/.test(folded) && /^[+\d\s().-]+$/.test(folded);
  const whole = phoneLike ? folded.replace(/\D/g, '') : folded.replace(/\s+/g, ' ');
  const words = phoneLike ? [whole] : whole.split(' ').filter((w) => w !== '');
  const [first, ...rest] = words;
  if (first === undefined || options.fields.length === 0) return [];
  const { kind, limit } = options;
  const hits = new Map<string, number>();
  const base = db
    .selectFrom('directory_search as s')
    .select('s.item_id')
    .where('s.account_id', '=', accountId)
    .where('s.item_kind', '=', kind);
  const take = (rank: number, ids: readonly { item_id: string }[]): void => {
    for (const { item_id } of ids) {
      if (hits.size < limit && !hits.has(item_id)) hits.set(item_id, rank);
    }
  };
  // Each stage asks for enough rows to fill the limit even if all it has seen come again.
  take(
    0,
    await base
      .where('s.field', 'in', [...options.fields])
      .where('s.term', '=', whole)
      .orderBy('s.sort_key')
      .orderBy('s.item_id')
      .limit(limit)
      .execute(),
  );
  for (const field of PREFIX_STAGES) {
    if (hits.size >= limit) break;
    if (!options.fields.includes(field)) continue;
    take(
      PREFIX_STAGES.indexOf(field) + 1,
      await base
        .where('s.field', '=', field)
        .where('s.term', '>=', whole)
        .where('s.term', '<', upperBound(whole))
        .orderBy('s.term')
        .orderBy('s.sort_key')
        .orderBy('s.item_id')
        .limit(limit + hits.size)
        .execute(),
    );
  }
  if (hits.size < limit && options.fields.includes('word')) {
    let query = base
      .where('s.field', '=', 'word')
      .where('s.term', '>=', first)
      .where('s.term', '<', upperBound(first));
    const fields = [...options.fields];
    for (const word of rest) {
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('directory_search as t')
            .select(sql.lit(1).as('one'))
            .whereRef('t.account_id', '=', 's.account_id')
            .whereRef('t.item_kind', '=', 's.item_kind')
            .whereRef('t.item_id', '=', 's.item_id')
            .where('t.term', '>=', word)
            .where('t.term', '<', upperBound(word))
            .where('t.field', 'in', fields),
        ),
      );
    }
    take(
      PREFIX_STAGES.length + 1,
      await query
        .orderBy('s.term')
        .orderBy('s.sort_key')
        .orderBy('s.item_id')
        .limit(limit + hits.size)
        .execute(),
    );
  }
  return [...hits].map(([id, rank]) => ({ id, rank }));
}

/** What a search answers about one item; `email` only when asked for. */
export interface SearchItem {
  readonly id: string;
  readonly name: string;
  /** Users: false for an inactive user (their calls stay visible, so they stay findable). */
  readonly active?: boolean;
  readonly email?: string | null;
  /**
   * Users: their extension, the internal number every colleague may dial (SPEC §5 "internal"),
   * so the dial pad's phone book can call them; work and mobile numbers stay with email.
   */
  readonly extension?: string | null;
  /** Departments: the names from the root down, the department's own last. */
  readonly path?: string[];
}

/** The items `ids` names, in that order (ids the directory no longer holds are left out). */
export async function loadSearchItems(
  db: Executor,
  accountId: string,
  kind: SearchKind,
  ids: readonly string[],
  withEmail: boolean,
): Promise<SearchItem[]> {
  if (ids.length === 0) return [];
  const byId = new Map<string, SearchItem>();
  switch (kind) {
    case 'user': {
      const rows = await db
        .selectFrom('users')
        .select(['id', 'name', 'active', 'email', 'phone_extension'])
        .where('account_id', '=', accountId)
        .where('id', 'in', [...ids])
        .execute();
      for (const r of rows) {
        byId.set(r.id, {
          id: r.id,
          name: r.name,
          active: Number(r.active) === 1,
          extension: r.phone_extension,
          ...(withEmail && { email: r.email }),
        });
      }
      break;
    }
    case 'department': {
      // Each department's ancestors (itself at depth 0), the root first.
      const rows = await db
        .selectFrom('department_closure as c')
        .innerJoin('departments as d', (join) =>
          join.onRef('d.account_id', '=', 'c.account_id').onRef('d.id', '=', 'c.ancestor_id'),
        )
        .select(['c.descendant_id', 'c.depth', 'd.name'])
        .where('c.account_id', '=', accountId)
        .where('c.descendant_id', 'in', [...ids])
        .orderBy('c.descendant_id')
        .orderBy('c.depth', 'desc')
        .execute();
      const paths = new Map<string, string[]>();
      for (const r of rows) {
        const path = paths.get(r.descendant_id) ?? [];
        path.push(r.name);
        paths.set(r.descendant_id, path);
      }
      for (const [id, path] of paths) byId.set(id, { id, name: path.at(-1) ?? id, path });
      break;
    }
    case 'workgroup':
    case 'group': {
      const rows = await db
        .selectFrom(kind === 'workgroup' ? 'workgroups' : 'user_groups')
        .select(['id', 'name'])
        .where('account_id', '=', accountId)
        .where('id', 'in', [...ids])
        .execute();
      for (const r of rows) byId.set(r.id, { id: r.id, name: r.name });
      break;
    }
  }
  return ids.flatMap((id) => {
    const item = byId.get(id);
    return item === undefined ? [] : [item];
  });
}
