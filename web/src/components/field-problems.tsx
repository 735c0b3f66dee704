import { ApiError } from '../api';
import type { ApiErrorDetails } from '../types';

/**
 * What a 400 said about each field of a form, worded for people (fieldProblemsOf): the
 * API's `fields` or `issues`, keyed by one spelling of the path, `items.0.memberIds.1`,
 * whichever way the server wrote it (`body.items.0.name` from the schema,
 * `items[0].memberIds[1]` from the checks that need the database).
 */
export type FieldProblems = ReadonlyMap<string, readonly string[]>;

export const NO_PROBLEMS: FieldProblems = new Map();

/** `body.items[0].name` → `items.0.name`. */
export function fieldPath(path: string): string {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/ \(id "[^"]*"\)/g, '')
    .replace(/^body(?=\.|$)/, '')
    .replace(/^\./, '');
}

/** One problem as the API lists it: where, the server's words, and what refused, as data. */
type ListedProblem = Pick<FieldRefusal, 'path' | 'message'> & Partial<FieldRefusal>;
type FieldRefusal = NonNullable<ApiErrorDetails['fields']>[number];

/**
 * The field problems of a failed save, worded for people; none for anything but a 400 that
 * lists them. The schema's refusals come as `fields`, with the keyword that refused and its
 * limit or format, worded here; the checks that need the database as `issues`, in words.
 */
export function fieldProblemsOf(error: unknown): FieldProblems {
  if (!(error instanceof ApiError)) return NO_PROBLEMS;
  const listed = [error.details.fields, error.details.issues].flatMap((list) =>
    Array.isArray(list) ? (list as unknown[]) : [],
  );
  if (listed.length === 0) return NO_PROBLEMS;
  const byPath = new Map<string, ListedProblem[]>();
  for (const field of listed) {
    const problem = listedProblem(field);
    if (problem === undefined) continue;
    const key = fieldPath(problem.path);
    byPath.set(key, [...(byPath.get(key) ?? []), problem]);
  }
  return new Map([...byPath].map(([key, problems]) => [key, wordField(problems)]));
}

function listedProblem(field: unknown): ListedProblem | undefined {
  const { path, message, keyword, limit, format } = (field ?? {}) as Record<string, unknown>;
  if (typeof path !== 'string' || typeof message !== 'string') return undefined;
  return {
    path,
    message,
    ...(typeof keyword === 'string' && { keyword }),
    ...(typeof limit === 'number' && { limit }),
    ...(typeof format === 'string' && { format }),
  };
}

/** The refusals of a value that fits none of a union's alternatives that say nothing useful. */
const ALTERNATIVES_ONLY = new Set(['anyOf', 'type', 'const', 'enum']);

/**
 * One field's problems, worded. A value that fits none of a union's alternatives (a phone
 * number or none) comes as each alternative's refusal and an `anyOf`: only those that say
 * what the value should be are kept ("isn’t a phone number", not "must be null").
 */
function wordField(problems: readonly ListedProblem[]): string[] {
  const isUnion = problems.some((problem) => problem.keyword === 'anyOf');
  const telling = isUnion
    ? problems.filter((problem) => !ALTERNATIVES_ONLY.has(problem.keyword ?? ''))
    : problems;
  const shown =
    telling.length > 0 ? telling : problems.filter((problem) => problem.keyword === 'anyOf');
  return [...new Set(shown.map(wordFieldProblem))];
}

/** What a value refused by a named pattern or format should be, for people. */
const FORMAT_WORDS: Readonly<Record<string, string>> = {
  e164: 'isn’t a phone number in international form, like +14155550100',
  id: 'may hold only letters, digits, dots, dashes and underscores (at most 64)',
  languageTag: 'isn’t a language code, like en or pt-BR',
  keypadKey: 'must be one key: 0 to 9, * or #',
  httpUrl: 'must start with http:// or https://',
  countryCode: 'isn’t a two-letter country code, like GB',
  uri: 'isn’t a web address',
  email: 'isn’t an email address',
  'date-time': 'isn’t a date and time',
};

const count = (n: number, one: string, many: string) =>
  `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** Words for a refusal of a length, size or range, from the limit it missed. */
const LIMIT_WORDS: Readonly<Record<string, (limit: number) => string>> = {
  minLength: (n) =>
    n === 1 ? 'can’t be empty' : `must be at least ${count(n, 'character', 'characters')}`,
  maxLength: (n) => `must be at most ${count(n, 'character', 'characters')}`,
  minimum: (n) => `must be at least ${n.toLocaleString('en')}`,
  maximum: (n) => `must be at most ${n.toLocaleString('en')}`,
  exclusiveMinimum: (n) => `must be more than ${n.toLocaleString('en')}`,
  exclusiveMaximum: (n) => `must be less than ${n.toLocaleString('en')}`,
  minItems: (n) =>
    n === 1 ? 'needs at least one entry' : `needs at least ${count(n, 'entry', 'entries')}`,
  maxItems: (n) => `may have at most ${count(n, 'entry', 'entries')}`,
};

/** Refusals of a value that is none of the ones allowed. */
const CHOICE_KEYWORDS = new Set(['anyOf', 'enum', 'const']);

/**
 * One schema refusal in product words, from its keyword and limit or format; the server's
 * words for a refusal not worded here (and for the database checks', which are words).
 *
 * @example wordFieldProblem({ path: 'body.items.0.name', message: 'must NOT have fewer than 1 characters', keyword: 'minLength', limit: 1 }) // "can’t be empty"
 */
export function wordFieldProblem({ message, keyword = '', limit, format = '' }: ListedProblem) {
  const byLimit = limit === undefined ? undefined : LIMIT_WORDS[keyword]?.(limit);
  if (byLimit !== undefined) return byLimit;
  // Never the regular expression: people do not read them.
  if (keyword === 'pattern') return FORMAT_WORDS[format] ?? 'isn’t written in the form expected';
  if (keyword === 'format') return FORMAT_WORDS[format] ?? message;
  if (CHOICE_KEYWORDS.has(keyword)) return 'isn’t one of the choices';
  return message;
}

/**
 * Where a problem is, for people, from its path (`menus.0.options.1.target`) and the value
 * that was sent: "Voice menu 1 (Main menu), key 2". Undefined where the message says all.
 */
export type PlaceOf = (path: string) => string | undefined;

/**
 * The problems of a refused save as lines for people, each led by where it is ("Voice
 * menu 1 (Main menu), name: …"); the API's paths (`menus[0].name`) are never shown.
 */
export function wordProblems(problems: FieldProblems, placeOf: PlaceOf): string[] {
  return [...problems].flatMap(([path, messages]) => {
    const place = placeOf(path);
    return messages.map((message) => (place === undefined ? message : `${place}: ${message}`));
  });
}

/**
 * The place of item `index` of a list: "Voice menu 1 (Main menu)", then `rest` (", name")
 * when the problem is in one of its fields. Counted from 1, as people count.
 */
export const itemPlace = (kind: string, index: number, name: string | undefined, rest = '') =>
  `${kind} ${index + 1}${name === undefined || name === '' ? '' : ` (${name})`}${rest}`;

/** The problems at `path` and under it (a queue's problems include its members'). */
export function problemsUnder(problems: FieldProblems, path: string): readonly string[] {
  return [...problems].flatMap(([key, messages]) =>
    key === path || key.startsWith(`${path}.`) ? messages : [],
  );
}

/** A refused save, worded for people: one line a problem. */
export function ProblemsAlert({
  title,
  lines,
}: {
  readonly title: string;
  readonly lines: readonly string[];
}) {
  return (
    <div className="alert alert-error" role="alert">
      <strong>{title}</strong>
      <ul className="problem-list">
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The problems of one field, worded, under it; `id` is for the field's aria-describedby. Its
 * field is marked `aria-invalid` by the caller (`problems.has(path)`).
 */
export function FieldProblem({
  problems,
  path,
  id,
}: {
  readonly problems: FieldProblems;
  readonly path: string;
  readonly id: string;
}) {
  const messages = problems.get(path);
  if (messages === undefined) return null;
  return (
    <p className="field-problem" id={id}>
      {messages.join('; ')}
    </p>
  );
}
