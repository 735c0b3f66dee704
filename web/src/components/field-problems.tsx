import { ApiError } from '../api';

/**
 * What a 400 said about each field of a form: the API's `fields` or `issues` (`{path,
 * message}`), keyed by one spelling of the path, `items.0.memberIds.1`, whichever way the
 * server wrote it (`body.items.0.name` from the schema, `items[0].memberIds[1]` from the
 * checks that need the database).
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

/**
 * The field problems of a failed save; none for anything but a 400 that lists them. The
 * schema's refusals come as `fields`, the checks that need the database as `issues`.
 */
export function fieldProblemsOf(error: unknown): FieldProblems {
  if (!(error instanceof ApiError)) return NO_PROBLEMS;
  const listed = [error.details.fields, error.details.issues].flatMap((list) =>
    Array.isArray(list) ? (list as unknown[]) : [],
  );
  if (listed.length === 0) return NO_PROBLEMS;
  const problems = new Map<string, string[]>();
  for (const field of listed) {
    const { path, message } = (field ?? {}) as { path?: unknown; message?: unknown };
    if (typeof path !== 'string' || typeof message !== 'string') continue;
    const key = fieldPath(path);
    problems.set(key, [...(problems.get(key) ?? []), message]);
  }
  return problems;
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
 * The server's word on one field, under it; `id` is for the field's aria-describedby. Its
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
