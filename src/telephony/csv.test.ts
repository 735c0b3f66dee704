import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CsvError } from './csv.js';
import { parseCsv } from './csv.js';

test('CSV: quotes, commas, escaped quotes, CRLF, blank lines, and the line each row starts on', () => {
  const text = 'a,b,c\r\n"x, y","say ""hi""",\n\n"multi\nline",2,3\nlast,,';
  assert.deepEqual(parseCsv(text), [
    { line: 1, cells: ['a', 'b', 'c'] },
    { line: 2, cells: ['x, y', 'say "hi"', ''] },
    { line: 4, cells: ['multi\nline', '2', '3'] },
    { line: 6, cells: ['last', '', ''] },
  ]);
});

test('CSV: an unclosed quote is an error naming its line', () => {
  assert.throws(
    () => parseCsv('a,b\n1,"open\n2,3'),
    (error: CsvError) => error.line === 2 && /never closed/.test(error.message),
  );
});
