import { type ReactNode, useState } from 'react';

/**
 * The rows of a list editor's draft (assignments, the recordings folder, line access,
 * documents, queues, voice menus): each item with the saved item it began as (null: added
 * since) and whether it is removed. A saved row that is removed stays in sight, struck
 * through, until the list is saved, so the editor sees what saving takes away and can undo
 * it; an added row that is removed simply goes.
 */
export interface DraftRow<T> {
  readonly item: T;
  readonly from: T | null;
  readonly removed: boolean;
}

export type DraftRowState = 'saved' | 'new' | 'changed' | 'removed';

/** The draft of a saved list: every row saved, none removed. */
export const draftRowsOf = <T,>(items: readonly T[]): readonly DraftRow<T>[] =>
  items.map((item) => ({ item, from: item, removed: false }));

/** What saving the draft writes: its rows' items, without the removed ones. */
export const draftItemsOf = <T,>(rows: readonly DraftRow<T>[]): readonly T[] =>
  rows.filter((row) => !row.removed).map((row) => row.item);

/** Adds a new row. */
export const addDraftRow = <T,>(rows: readonly DraftRow<T>[], item: T): readonly DraftRow<T>[] => [
  ...rows,
  { item, from: null, removed: false },
];

/** Replaces the item of row `index`. */
export const editDraftRow = <T,>(
  rows: readonly DraftRow<T>[],
  index: number,
  item: T,
): readonly DraftRow<T>[] => rows.map((row, i) => (i === index ? { ...row, item } : row));

/** Removes row `index`: a saved row is marked (struck through until saved), a new one goes. */
export const removeDraftRow = <T,>(
  rows: readonly DraftRow<T>[],
  index: number,
): readonly DraftRow<T>[] =>
  rows[index]?.from === null
    ? rows.filter((_, i) => i !== index)
    : rows.map((row, i) => (i === index ? { ...row, removed: true } : row));

/** Takes back the removal of row `index`. */
export const restoreDraftRow = <T,>(
  rows: readonly DraftRow<T>[],
  index: number,
): readonly DraftRow<T>[] => rows.map((row, i) => (i === index ? { ...row, removed: false } : row));

/** Whether two lists hold the same items in the same order (items are plain JSON). */
export const isSameList = <T,>(a: readonly T[], b: readonly T[]): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

/**
 * The rows of an editor whose parent holds the draft as plain items (a settings section):
 * the rows live here, and every change hands the parent the items saving would write.
 * The parent remounts the editor to start again from the saved items (Discard).
 *
 * @example const [rows, setRows] = useDraftRows(saved.items, (items) => set({ items }));
 */
export function useDraftRows<T>(
  saved: readonly T[],
  onItems: (items: readonly T[]) => void,
): readonly [readonly DraftRow<T>[], (rows: readonly DraftRow<T>[]) => void] {
  const [rows, setRows] = useState(() => draftRowsOf(saved));
  return [
    rows,
    (next) => {
      setRows(next);
      onItems(draftItemsOf(next));
    },
  ];
}

/**
 * For each row, the index its item has in what saving writes (removed rows skipped), or
 * -1 for a removed row: how the server's 400 paths (`items[2].name`) find their row.
 */
export function savedIndexes<T>(rows: readonly DraftRow<T>[]): readonly number[] {
  let next = 0;
  return rows.map((row) => (row.removed ? -1 : next++));
}

/** A row's state, for its look (class) and for tests (`data-state`). */
export function draftRowState<T>(row: DraftRow<T>): DraftRowState {
  if (row.removed) return 'removed';
  if (row.from === null) return 'new';
  return isSameList([row.item], [row.from]) ? 'saved' : 'changed';
}

/** The attributes of a draft row's element (`<tr>`, `<fieldset>`), with its own `className`. */
export function draftRowProps<T>(
  row: DraftRow<T>,
  className?: string,
): {
  className: string | undefined;
  'data-state': DraftRowState;
} {
  const state = draftRowState(row);
  const look = state === 'removed' ? 'row-removed' : state === 'saved' ? undefined : 'row-new';
  return {
    className: [className, look].filter((c) => c !== undefined).join(' ') || undefined,
    'data-state': state,
  };
}

/** A row's text: struck through (`<del>`, read out as deleted) while the row is removed. */
export function DraftText<T>({
  row,
  children,
}: {
  readonly row: DraftRow<T>;
  readonly children: ReactNode;
}) {
  return row.removed ? <del>{children}</del> : <>{children}</>;
}

/** "new" or "removed when you save" beside a row's name; nothing for a saved row. */
export function DraftBadge<T>({ row }: { readonly row: DraftRow<T> }) {
  if (row.removed) return <span className="badge">removed when you save</span>;
  if (row.from === null) return <span className="badge badge-new">new</span>;
  return null;
}

/**
 * Remove, or Keep for a removed row (its accessible name begins with the text shown, as
 * speech input needs). `what` names the row for screen readers ("Remove
 * Anna", "Keep Anna"); `removeLabel` and `keepLabel` say it otherwise where it reads
 * better ("Remove Manager from Anna", "Keep Manager for Anna").
 */
export function DraftRowButton<T>({
  rows,
  index,
  onChange,
  what,
  removeLabel = `Remove ${what}`,
  keepLabel = `Keep ${what}`,
}: {
  readonly rows: readonly DraftRow<T>[];
  readonly index: number;
  /** The list with this row removed or kept. */
  readonly onChange: (rows: readonly DraftRow<T>[]) => void;
  readonly what: string;
  readonly removeLabel?: string;
  readonly keepLabel?: string;
}) {
  return rows[index]?.removed ? (
    <button
      type="button"
      className="button-secondary button-small"
      aria-label={keepLabel}
      onClick={() => onChange(restoreDraftRow(rows, index))}
    >
      Keep
    </button>
  ) : (
    <button
      type="button"
      className="button-secondary button-small"
      aria-label={removeLabel}
      onClick={() => onChange(removeDraftRow(rows, index))}
    >
      Remove
    </button>
  );
}

/** A column of a DraftTable after the name: its header (also each cell's label on a phone). */
export interface DraftColumn<T> {
  readonly header: string;
  readonly cell: (row: DraftRow<T>, index: number) => ReactNode;
}

/** Remove and Keep on each row of a DraftTable, named for screen readers (DraftRowButton). */
export interface DraftActions<T> {
  /** The list with a row removed or kept. */
  readonly onChange: (rows: readonly DraftRow<T>[]) => void;
  readonly what: (row: DraftRow<T>) => string;
  readonly removeLabel?: (row: DraftRow<T>) => string;
  readonly keepLabel?: (row: DraftRow<T>) => string;
}

/**
 * A list editor's draft as a table (numbers, documents, line access, the recordings folder,
 * assignments): `empty` when there are no rows; else a caption for screen readers, a row
 * per draft row (its state as class and `data-state`), the name first, struck through while
 * removed, with its badge and `afterName` (a problem); then `columns`; then Remove or Keep,
 * unless the list is read-only (no `actions`). Each cell's phone label is its column's
 * header, and each cell's content is one block: a phone shows a cell as a grid of label and
 * value, where loose children (a name and its badge) would each take a grid cell.
 *
 * @example <DraftTable rows={rows} caption="Who may call out" empty={<p>Everyone.</p>} name={{ header: 'Who', cell: (row) => who(row) }} rowKey={(row, i) => `${i}/${row.item}`} actions={{ onChange: setRows, what: who }} />
 */
export function DraftTable<T>({
  rows,
  caption,
  empty,
  className = 'data-table',
  name,
  afterName,
  columns = [],
  rowKey,
  actions,
}: {
  readonly rows: readonly DraftRow<T>[];
  readonly caption: string;
  /** Shown instead of the table when there are no rows. */
  readonly empty: ReactNode;
  readonly className?: string;
  readonly name: DraftColumn<T>;
  readonly afterName?: (row: DraftRow<T>, index: number) => ReactNode;
  readonly columns?: readonly DraftColumn<T>[];
  /** React's key of a row: unique among the rows, and the same while the row stays. */
  readonly rowKey: (row: DraftRow<T>, index: number) => string;
  readonly actions?: DraftActions<T>;
}) {
  if (rows.length === 0) return <>{empty}</>;
  return (
    <table className={className}>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {[name, ...columns].map(({ header }) => (
            <th key={header} scope="col">
              {header}
            </th>
          ))}
          {actions !== undefined && (
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => (
          <tr key={rowKey(row, index)} {...draftRowProps(row)}>
            <td data-label={name.header}>
              <div>
                <DraftText row={row}>{name.cell(row, index)}</DraftText>
                <DraftBadge row={row} />
                {afterName?.(row, index)}
              </div>
            </td>
            {columns.map(({ header, cell }) => (
              <td key={header} data-label={header}>
                <div>{cell(row, index)}</div>
              </td>
            ))}
            {actions !== undefined && (
              <td data-label="" className="row-actions">
                <DraftRowButton
                  rows={rows}
                  index={index}
                  onChange={actions.onChange}
                  what={actions.what(row)}
                  removeLabel={actions.removeLabel?.(row)}
                  keepLabel={actions.keepLabel?.(row)}
                />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
