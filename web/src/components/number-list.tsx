import { useId, useState } from 'react';
import {
  DraftBadge,
  DraftRowButton,
  DraftText,
  addDraftRow,
  draftRowProps,
  savedIndexes,
  useDraftRows,
} from './draft-rows';
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
  const [number, setNumber] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const indexes = savedIndexes(rows);
  const add = () => {
    const text = number.trim();
    if (text === '') setProblem('Write a number first.');
    else if (rows.some((row) => row.item === text)) setProblem(`${text} is listed already.`);
    else {
      setProblem(null);
      setRows(addDraftRow(rows, text));
      setNumber('');
    }
  };
  return (
    <>
      {rows.length === 0 ? (
        <p className="empty">None.</p>
      ) : (
        <table className="data-table">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => {
              const path = `numbers.${indexes[index]!}`;
              return (
                <tr key={`${index}/${row.item}`} {...draftRowProps(row)}>
                  <td data-label="Number">
                    {/* One cell's content: on a phone the cell is a grid of label and value. */}
                    <div>
                      <DraftText row={row}>{row.item}</DraftText>
                      <DraftBadge row={row} />
                      {!row.removed && (
                        <FieldProblem problems={problems} path={path} id={`${id}-${index}`} />
                      )}
                    </div>
                  </td>
                  <td data-label="" className="row-actions">
                    <DraftRowButton rows={rows} index={index} onChange={setRows} what={row.item} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div className="form-grid add-by-name">
        <div className="field">
          <label htmlFor={id}>{addLabel}</label>
          <input
            id={id}
            type="tel"
            value={number}
            maxLength={64}
            aria-invalid={problem !== null}
            aria-describedby={`${id}-hint${problem === null ? '' : ` ${id}-problem`}`}
            onChange={(e) => setNumber(e.target.value)}
            onKeyDown={(e) => {
              // Enter adds, rather than submitting the section's form.
              if (e.key !== 'Enter') return;
              e.preventDefault();
              add();
            }}
          />
          {problem !== null && (
            <p className="field-problem" id={`${id}-problem`} role="alert">
              {problem}
            </p>
          )}
        </div>
        <button type="button" className="button-secondary" onClick={add}>
          Add number
        </button>
      </div>
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
    </>
  );
}

/** Where a problem of a number list is: "Number 3 (+1 900 555)". */
export function numberPlace(path: string, sent: { readonly numbers: readonly string[] }) {
  const at = /^numbers\.(\d+)/.exec(path);
  return at === null ? undefined : itemPlace('Number', Number(at[1]), sent.numbers[Number(at[1])]);
}
