import qs from 'qs';
import { CallgateError } from '../errors.js';

/** A call's parameters: top-level keys in lower case (Bitrix24 clients send FILTER and filter). */
export type Params = Readonly<Record<string, unknown>>;

/**
 * How bracketed parameters (`FILTER[>CALL_START_DATE]=…`, `cmd[a]=…`) are read: bounded, so
 * a hostile query cannot make deep or huge structures, and never onto prototypes.
 */
const QS_OPTIONS = {
  depth: 5,
  arrayLimit: 100,
  parameterLimit: 1000,
  allowPrototypes: false,
  plainObjects: true,
} as const;

/** Reads a query string or a form body in Bitrix24's nested bracket syntax. */
export function parseBracketed(text: string): Record<string, unknown> {
  return qs.parse(text, QS_OPTIONS);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const holdsNul = (value: unknown, depth = 0): boolean => {
  if (typeof value === 'string') return value.includes('\0');
  if (depth > 8 || typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(
    ([key, item]) => key.includes('\0') || holdsNul(item, depth + 1),
  );
};

/**
 * The parameters of a call, from the query string and the body (a form or JSON), the body
 * winning; top-level keys compared without regard to case. Text holding NUL is refused, as
 * everywhere in the service (PostgreSQL cannot store it).
 */
export function readParams(rawQuery: string, body: unknown): Params {
  const merged: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const add = (source: unknown) => {
    if (typeof source !== 'object' || source === null || Array.isArray(source)) return;
    for (const [key, value] of Object.entries(source)) {
      const name = key.toLowerCase();
      const earlier = merged[name];
      // FILTER[a]=… and filter[b]=… are one filter with both conditions.
      merged[name] =
        isPlainObject(earlier) && isPlainObject(value) ? { ...earlier, ...value } : value;
    }
  };
  add(parseBracketed(rawQuery));
  add(body);
  if (holdsNul(merged))
    throw new CallgateError('invalid_request', 'text may not contain the NUL character (U+0000)');
  return merged;
}

/** An object parameter's entries with their keys in upper case (FILTER fields, ORDER). */
export function upperKeys(value: unknown): [string, unknown][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).map(([key, item]) => [key.toUpperCase(), item]);
}

/** A parameter's values: a list or a map's values as they are, anything else as one value. */
export function valuesOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value as unknown[];
  if (typeof value === 'object' && value !== null) return Object.values(value);
  return [value];
}

/** A parameter that should be one piece of text or a number, as text; undefined otherwise. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'Y' : 'N';
  return undefined;
}

/** Bitrix24's truthy flags: `Y`, `true`, `1`. */
export function isFlagSet(value: unknown): boolean {
  const text = scalarText(value)?.toLowerCase();
  return text === 'y' || text === 'true' || text === '1';
}
