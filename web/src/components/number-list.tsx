import { useId } from 'react';
import { AddByText } from './add-by-text';
import { DraftTable, addDraftRow, savedIndexes, useDraftRows } from './draft-rows';
import { FieldProblem, type FieldProblems, itemPlace } from './field-problems';

/**
 * A list of phone numbers (blocked numbers, the company's emergency numbers) as draft rows:
 * each number with Remove, or Keep while it is struck through until saved; a field to add
 * one. The server normalises what is written and its 400 is shown on the row it names.
 */
export function NumberList({
  saved,
  onNumbers,
  problems,
  caption,
  addLabel,
  hint,
}: {
  readonly saved: readonly string[];
  readonly onNumbers: (numbers: string[]) => void;
  readonly problems: FieldProblems;
  /** What the numbers are, for the table's caption. */
  readonly caption: string;
  readonly addLabel: string;
  readonly hint: string;
}) {
  const id = useId();
  const [rows, setRows] = useDraftRows(saved, (numbers) => onNumbers([...numbers]));
  const indexes = savedIndexes(rows);
  return (
    <>
      <DraftTable
        rows={rows}
        caption={caption}
        empty={<p className="empty">None.</p>}
        name={{ header: 'Number', cell: (row) => row.item }}
        afterName={(row, index) =>
          !row.removed && (
            <FieldProblem
              problems={problems}
              path={`numbers.${indexes[index]!}`}
              id={`${id}-${index}`}
            />
          )
        }
        rowKey={(row, index) => `${index}/${row.item}`}
        actions={{ onChange: setRows, what: (row) => row.item }}
      />
      <AddByText
        label={addLabel}
        button="Add number"
        type="tel"
        maxLength={64}
        hint={hint}
        refusal={(text) =>
          text === ''
            ? 'Write a number first.'
            : rows.some((row) => row.item === text)
              ? `${text} is listed already.`
              : null
        }
        onAdd={(text) => setRows(addDraftRow(rows, text))}
      />
    </>
  );
}

/** Where a problem of a number list is: "Number 3 (+1 900 555)". */
export function numberPlace(path: string, sent: { readonly numbers: readonly string[] }) {
  const at = /^numbers\.(\d+)/.exec(path);
  return at === null ? undefined : itemPlace('Number', Number(at[1]), sent.numbers[Number(at[1])]);
}
