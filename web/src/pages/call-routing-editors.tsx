import { type ReactNode, useId, useState } from 'react';
import { ApiError, api } from '../api';
import { AddByText } from '../components/add-by-text';
import { Combobox } from '../components/combobox';
import {
  DraftBadge,
  DraftRowButton,
  DraftText,
  addDraftRow,
  draftItemsOf,
  draftRowProps,
  editDraftRow,
  savedIndexes,
  useDraftRows,
} from '../components/draft-rows';
import {
  FieldProblem,
  type FieldProblems,
  itemPlace,
  problemsUnder,
} from '../components/field-problems';
import type { EditorProps } from '../components/settings-section';
import { userName } from '../directory';
import { useLoad } from '../hooks';
import { useSession } from '../session';
import type { Directory, SettingsDocument, SettingsValue } from '../types';

type Queues = SettingsValue<'queues'>;
type Queue = Queues['items'][number];
type Ivr = SettingsValue<'ivr'>;
type Menu = Ivr['menus'][number];
type MenuOption = Menu['options'][number];

const STRATEGY_LABEL = {
  'ring-all': 'Ring every member at once',
  'round-robin': 'Ring members in turn',
  'longest-idle': 'Ring the member idle longest first',
} as const satisfies Record<Queue['strategy'], string>;

const ACTION_LABEL = {
  queue: 'Send to a call queue',
  user: 'Put through to an employee',
  menu: 'Go to another voice menu',
  voicemail: 'Take a voicemail',
} as const satisfies Record<MenuOption['action'], string>;

/** The keys of a phone's pad, in the order a menu usually offers them. */
const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#'] as const;

/** An id for a new item, from its name ("Price list" → "price-list"), unique in the list. */
export function idFrom(name: string, taken: readonly string[]): string {
  const base =
    name
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 56) || 'item';
  let candidate = base;
  for (let n = 2; taken.includes(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
}

/**
 * What saving `after` over `before` does to a list, one sentence an item, for a section's
 * preview: items matched by `keyOf`, named by `nameOf`.
 *
 * @example listChanges(['+1'], ['+2'], (n) => n, (n) => n, { added: (n) => `Blocks ${n}.`, removed: (n) => `Frees ${n}.` })
 */
export function listChanges<T>(
  before: readonly T[],
  after: readonly T[],
  keyOf: (item: T) => string,
  nameOf: (item: T) => string,
  words: {
    readonly added: (name: string) => string;
    readonly removed: (name: string) => string;
    readonly changed?: (before: T, after: T) => string | null;
  },
): string[] {
  const was = new Map(before.map((item) => [keyOf(item), item]));
  const is = new Map(after.map((item) => [keyOf(item), item]));
  return [
    ...after.flatMap((item) => {
      const old = was.get(keyOf(item));
      if (old === undefined) return [words.added(nameOf(item))];
      const changed = words.changed?.(old, item) ?? null;
      return changed === null ? [] : [changed];
    }),
    ...before.filter((item) => !is.has(keyOf(item))).map((item) => words.removed(nameOf(item))),
  ];
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The queues section's preview: queues added, removed, renamed, re-staffed. */
export function describeQueueChanges(before: Queues, after: Queues): string[] {
  return listChanges(
    before.items,
    after.items,
    (q) => q.id,
    (q) => `“${q.name}”`,
    {
      added: (name) => `Adds the queue ${name}.`,
      removed: (name) => `Removes the queue ${name}.`,
      changed: (was, is) => {
        const parts = [
          ...(was.name === is.name ? [] : [`renamed “${is.name}”`]),
          ...(was.strategy === is.strategy ? [] : [STRATEGY_LABEL[is.strategy].toLowerCase()]),
        ];
        const joined = is.memberIds.filter((m) => !was.memberIds.includes(m)).length;
        const left = was.memberIds.filter((m) => !is.memberIds.includes(m)).length;
        if (joined > 0) parts.push(`${count(joined, 'member', 'members')} added`);
        if (left > 0) parts.push(`${count(left, 'member', 'members')} removed`);
        return parts.length === 0 ? null : `The queue “${was.name}”: ${parts.join(', ')}.`;
      },
    },
  );
}

/** The voice menus section's preview: menus added, removed, changed. */
export function describeIvrChanges(before: Ivr, after: Ivr): string[] {
  return listChanges(
    before.menus,
    after.menus,
    (m) => m.id,
    (m) => `“${m.name}”`,
    {
      added: (name) => `Adds the voice menu ${name}.`,
      removed: (name) => `Removes the voice menu ${name}.`,
      changed: (was, is) => {
        const parts = [
          ...(was.name === is.name ? [] : [`renamed “${is.name}”`]),
          ...(was.greeting === is.greeting ? [] : ['a new greeting']),
          ...listChanges(
            was.options,
            is.options,
            (o) => o.digit,
            (o) => o.digit,
            {
              added: (digit) => `key ${digit} added`,
              removed: (digit) => `key ${digit} removed`,
              changed: (o, n) =>
                o.action === n.action && o.target === n.target ? null : `key ${n.digit} changed`,
            },
          ),
        ];
        return parts.length === 0 ? null : `The voice menu “${was.name}”: ${parts.join(', ')}.`;
      },
    },
  );
}

/** A text field with the server's word on it, if any. */
function TextField({
  label,
  value,
  path,
  problems,
  multiline = false,
  maxLength,
  onChange,
}: {
  readonly label: string;
  readonly value: string;
  readonly path: string;
  readonly problems: FieldProblems;
  readonly multiline?: boolean;
  readonly maxLength: number;
  readonly onChange: (value: string) => void;
}) {
  const id = useId();
  const invalid = problems.has(path);
  const props = {
    id,
    value,
    maxLength,
    'aria-invalid': invalid,
    'aria-describedby': invalid ? `${id}-problem` : undefined,
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...props} rows={2} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...props} onChange={(e) => onChange(e.target.value)} />
      )}
      <FieldProblem problems={problems} path={path} id={`${id}-problem`} />
    </div>
  );
}

/** Problems the server found that name no item shown (the list as a whole). */
function OtherProblems({ messages }: { readonly messages: readonly string[] }) {
  if (messages.length === 0) return null;
  return (
    <ul className="field-problem">
      {messages.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}

/**
 * A list of named routing items (queues, voice menus) as a form: one group per item, with
 * its fields; items added by name (the id made from it) and removed, a removed one struck
 * through until saved. The server's 400 `details` are shown on the field they name, and
 * those that name no item shown (the list as a whole) under the list.
 */
function RoutingList<T extends { readonly id: string; readonly name: string }>({
  saved,
  onItems,
  problems,
  path,
  kind,
  newItem,
  fields,
}: {
  readonly saved: readonly T[];
  readonly onItems: (items: T[]) => void;
  readonly problems: FieldProblems;
  /** The list's key in the section (`items`, `menus`): the start of its 400 paths. */
  readonly path: string;
  /** What an item is, in lower case: "queue", "voice menu". */
  readonly kind: string;
  readonly newItem: (id: string, name: string) => T;
  /** The fields of `item`, at `path` (`menus.2`); `items` is the list saving writes. */
  readonly fields: (
    item: T,
    path: string,
    onChange: (item: T) => void,
    items: readonly T[],
  ) => ReactNode;
}) {
  const [rows, setRows] = useDraftRows(saved, (items) => onItems([...items]));
  const indexes = savedIndexes(rows);
  const items = draftItemsOf(rows);
  const shown = indexes.filter((i) => i >= 0).map((i) => `${path}.${i}`);
  const unplaced = [...problems].flatMap(([at, messages]) =>
    shown.some((prefix) => at === prefix || at.startsWith(`${prefix}.`)) ? [] : messages,
  );
  const Kind = kind.charAt(0).toUpperCase() + kind.slice(1);
  return (
    <>
      {rows.length === 0 && <p className="empty">No {kind}s yet.</p>}
      {rows.map((row, index) => (
        <fieldset
          key={`${index}/${row.from?.id ?? row.item.id}`}
          {...draftRowProps(row, 'routing-item')}
        >
          <legend>
            <DraftText row={row}>
              {Kind} “{row.item.name}”
            </DraftText>{' '}
            <DraftBadge row={row} />
          </legend>
          {!row.removed &&
            fields(
              row.item,
              `${path}.${indexes[index]!}`,
              (item) => setRows(editDraftRow(rows, index, item)),
              items,
            )}
          <DraftRowButton
            rows={rows}
            index={index}
            onChange={setRows}
            what={`the ${kind} ${row.item.name}`}
          />
        </fieldset>
      ))}
      <OtherProblems messages={unplaced} />
      <AddByText
        label={`New ${kind}’s name`}
        button={`Add ${kind}`}
        refusal={(name) => (name === '' ? 'Give it a name first.' : null)}
        onAdd={(name) =>
          setRows(
            addDraftRow(
              rows,
              newItem(
                idFrom(
                  name,
                  rows.map((r) => r.item.id),
                ),
                name,
              ),
            ),
          )
        }
      />
    </>
  );
}

/** The call queues (issue 13): each queue's name, how it rings and its members. */
export function QueuesEditor({ saved, set, problems }: EditorProps<Queues>) {
  return (
    <RoutingList<Queue>
      saved={saved.items}
      onItems={(items) => set({ items })}
      problems={problems}
      path="items"
      kind="queue"
      newItem={(id, name) => ({ id, name, memberIds: [], strategy: 'ring-all' })}
      fields={(queue, path, onChange) => (
        <QueueFields queue={queue} path={path} problems={problems} onChange={onChange} />
      )}
    />
  );
}

/** Where a problem of the queues section is: "Queue 1 (Front desk), member 2 (Sofia Sales)". */
export function queuePlace(path: string, sent: Queues, directory: Directory): string | undefined {
  const at = /^items\.(\d+)(?:\.(\w+)(?:\.(\d+))?)?/.exec(path);
  if (at === null) return undefined;
  const index = Number(at[1]);
  const queue = sent.items[index];
  const member = at[3] === undefined ? undefined : queue?.memberIds[Number(at[3])];
  const rest =
    at[2] === 'memberIds' && at[3] !== undefined
      ? `, ${itemPlace('member', Number(at[3]), member === undefined ? undefined : userName(directory, member))}`
      : at[2] === 'name' || at[2] === 'strategy'
        ? `, ${at[2] === 'name' ? 'name' : 'ringing'}`
        : '';
  return itemPlace('Queue', index, queue?.name, rest);
}

function QueueFields({
  queue,
  path,
  problems,
  onChange,
}: {
  readonly queue: Queue;
  readonly path: string;
  readonly problems: FieldProblems;
  readonly onChange: (queue: Queue) => void;
}) {
  const { directory } = useSession();
  const id = useId();
  // The member search starts empty again after each pick.
  const [pick, setPick] = useState(0);
  return (
    <>
      <TextField
        label="Name"
        value={queue.name}
        path={`${path}.name`}
        problems={problems}
        maxLength={200}
        onChange={(name) => onChange({ ...queue, name })}
      />
      <FieldProblem problems={problems} path={`${path}.id`} id={`${id}-id-problem`} />
      <div className="field">
        <label htmlFor={`${id}-strategy`}>Ringing</label>
        <select
          id={`${id}-strategy`}
          value={queue.strategy}
          onChange={(e) => onChange({ ...queue, strategy: e.target.value as Queue['strategy'] })}
        >
          {(Object.keys(STRATEGY_LABEL) as Queue['strategy'][]).map((s) => (
            <option key={s} value={s}>
              {STRATEGY_LABEL[s]}
            </option>
          ))}
        </select>
      </div>
      <h4 className="routing-subtitle">Members</h4>
      {queue.memberIds.length === 0 ? (
        <p className="muted">No members: calls to this queue ring nobody.</p>
      ) : (
        <ul className="code-list">
          {queue.memberIds.map((memberId, j) => {
            const name = userName(directory, memberId);
            return (
              <li key={memberId} data-invalid={problems.has(`${path}.memberIds.${j}`) || undefined}>
                {name}{' '}
                <button
                  type="button"
                  className="button-secondary button-small"
                  aria-label={`Remove ${name} from ${queue.name}`}
                  onClick={() =>
                    onChange({ ...queue, memberIds: queue.memberIds.filter((m) => m !== memberId) })
                  }
                >
                  Remove
                </button>
                <FieldProblem
                  problems={problems}
                  path={`${path}.memberIds.${j}`}
                  id={`${id}-member-${j}`}
                />
              </li>
            );
          })}
        </ul>
      )}
      <Combobox
        key={pick}
        label="Add a member"
        kind="user"
        value={null}
        placeholder="Search people…"
        onChange={(item) => {
          if (item === null) return;
          if (!queue.memberIds.includes(item.id))
            onChange({ ...queue, memberIds: [...queue.memberIds, item.id] });
          setPick((n) => n + 1);
        }}
      />
    </>
  );
}

/**
 * A queue removal refused because a voice menu still sends callers to it (409, `usedBy`),
 * worded with the names: "Key 1 of the voice menu “Main menu” sends callers to the queue
 * “Front desk”: change that key first." Undefined for any other refusal.
 */
export function wordQueueRefusal(
  error: unknown,
  saved: Queues,
  menus: readonly Menu[],
): string | undefined {
  if (!(error instanceof ApiError) || error.code !== 'conflict') return undefined;
  const { usedBy } = error.details;
  if (!Array.isArray(usedBy) || usedBy.length === 0) return undefined;
  const nameOf = (list: readonly { id: string; name: string }[], id: string) =>
    list.find((item) => item.id === id)?.name ?? id;
  const uses = (usedBy as { queueId: string; menuId: string; digit: string }[]).map(
    (use) =>
      `key ${use.digit} of the voice menu “${nameOf(menus, use.menuId)}” sends callers to the queue “${nameOf(saved.items, use.queueId)}”`,
  );
  const text = uses.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}: change ${uses.length === 1 ? 'that key' : 'those keys'} first.`;
}

/**
 * The voice menus (issue 13): each menu's name, greeting and keys, each key leading to a
 * queue, an employee, another menu or a voicemail box. The server checks every target on
 * save and its 400 names the field, shown beside it.
 */
export function IvrEditor({
  saved,
  set,
  problems,
  queuesSaved,
}: EditorProps<Ivr> & {
  /** Changes when the queues section is saved on the page: the choices are read again. */
  readonly queuesSaved: number;
}) {
  const queues = useLoad(
    (signal) => api.get<SettingsDocument<'queues'>>('/settings/queues', { signal }),
    [queuesSaved],
  );
  return (
    <RoutingList<Menu>
      saved={saved.menus}
      onItems={(menus) => set({ menus })}
      problems={problems}
      path="menus"
      kind="voice menu"
      newItem={(id, name) => ({ id, name, greeting: '', options: [] })}
      fields={(menu, path, onChange, menus) => (
        <MenuFields
          menu={menu}
          path={path}
          problems={problems}
          queues={queues.data?.value.items ?? []}
          menus={menus}
          onChange={onChange}
        />
      )}
    />
  );
}

/** Where a problem of the voice menus is: "Voice menu 1 (Main menu), key 2". */
export function menuPlace(path: string, sent: Ivr): string | undefined {
  const at = /^menus\.(\d+)(?:\.(\w+)(?:\.(\d+))?)?/.exec(path);
  if (at === null) return undefined;
  const index = Number(at[1]);
  const menu = sent.menus[index];
  const digit = at[3] === undefined ? undefined : menu?.options[Number(at[3])]?.digit;
  const rest =
    at[2] === 'options' && at[3] !== undefined
      ? `, ${digit === undefined ? `key ${Number(at[3]) + 1}` : `key ${digit}`}`
      : at[2] === 'name' || at[2] === 'greeting'
        ? `, ${at[2]}`
        : '';
  return itemPlace('Voice menu', index, menu?.name, rest);
}

function MenuFields({
  menu,
  path,
  problems,
  queues,
  menus,
  onChange,
}: {
  readonly menu: Menu;
  readonly path: string;
  readonly problems: FieldProblems;
  readonly queues: readonly Queue[];
  readonly menus: readonly Menu[];
  readonly onChange: (menu: Menu) => void;
}) {
  const setOption = (j: number, option: MenuOption) =>
    onChange({ ...menu, options: menu.options.map((o, i) => (i === j ? option : o)) });
  const free = DIGITS.find((d) => !menu.options.some((o) => o.digit === d));
  return (
    <>
      <TextField
        label="Name"
        value={menu.name}
        path={`${path}.name`}
        problems={problems}
        maxLength={200}
        onChange={(name) => onChange({ ...menu, name })}
      />
      <TextField
        label="Greeting (read to the caller)"
        value={menu.greeting}
        path={`${path}.greeting`}
        problems={problems}
        maxLength={2000}
        multiline
        onChange={(greeting) => onChange({ ...menu, greeting })}
      />
      <h4 className="routing-subtitle">Keys</h4>
      {menu.options.length === 0 ? (
        <p className="muted">No keys: the caller hears the greeting only.</p>
      ) : (
        <table className="data-table">
          <caption className="visually-hidden">What each key of {menu.name} does</caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Does</th>
              <th scope="col">Where to</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {menu.options.map((option, j) => (
              <OptionRow
                key={j}
                option={option}
                path={`${path}.options.${j}`}
                problems={problems}
                queues={queues}
                menus={menus}
                onChange={(next) => setOption(j, next)}
                onRemove={() =>
                  onChange({ ...menu, options: menu.options.filter((_, i) => i !== j) })
                }
              />
            ))}
          </tbody>
        </table>
      )}
      <button
        type="button"
        className="button-secondary button-small"
        disabled={free === undefined}
        onClick={() => {
          if (free === undefined) return;
          onChange({
            ...menu,
            options: [...menu.options, { digit: free, action: 'voicemail', target: null }],
          });
        }}
      >
        Add a key
      </button>
    </>
  );
}

function OptionRow({
  option,
  path,
  problems,
  queues,
  menus,
  onChange,
  onRemove,
}: {
  readonly option: MenuOption;
  readonly path: string;
  readonly problems: FieldProblems;
  readonly queues: readonly Queue[];
  readonly menus: readonly Menu[];
  readonly onChange: (option: MenuOption) => void;
  readonly onRemove: () => void;
}) {
  const { directory } = useSession();
  const id = useId();
  const key = option.digit;
  const rowProblems = problemsUnder(problems, path);
  const choice = (items: readonly { id: string; name: string }[], label: string) => (
    <select
      aria-label={label}
      value={option.target ?? ''}
      aria-invalid={problems.has(`${path}.target`)}
      aria-describedby={rowProblems.length > 0 ? `${id}-problem` : undefined}
      onChange={(e) =>
        onChange({ ...option, target: e.target.value === '' ? null : e.target.value })
      }
    >
      <option value="">Choose…</option>
      {items.map((item) => (
        <option key={item.id} value={item.id}>
          {item.name}
        </option>
      ))}
    </select>
  );
  const person = (label: string, hint?: string) => (
    <Combobox
      key={option.action}
      label={label}
      kind="user"
      value={
        option.target === null
          ? null
          : { id: option.target, name: userName(directory, option.target) }
      }
      placeholder="Search people…"
      hint={hint}
      onChange={(item) => onChange({ ...option, target: item?.id ?? null })}
    />
  );
  return (
    <tr data-invalid={rowProblems.length > 0 || undefined}>
      <td data-label="Key">
        <select
          aria-label={`Key ${key}`}
          value={key}
          aria-invalid={problems.has(`${path}.digit`)}
          onChange={(e) => onChange({ ...option, digit: e.target.value })}
        >
          {DIGITS.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </td>
      <td data-label="Does">
        <select
          aria-label={`What key ${key} does`}
          value={option.action}
          onChange={(e) =>
            // Another kind of target: the old one means nothing to it.
            onChange({ ...option, action: e.target.value as MenuOption['action'], target: null })
          }
        >
          {(Object.keys(ACTION_LABEL) as MenuOption['action'][]).map((a) => (
            <option key={a} value={a}>
              {ACTION_LABEL[a]}
            </option>
          ))}
        </select>
      </td>
      <td data-label="Where to">
        {option.action === 'queue' && choice(queues, `Queue for key ${key}`)}
        {option.action === 'menu' && choice(menus, `Menu for key ${key}`)}
        {option.action === 'user' && person(`Employee for key ${key}`)}
        {option.action === 'voicemail' &&
          person(`Mailbox for key ${key}`, 'Leave empty for the general mailbox.')}
        {rowProblems.length > 0 && (
          <p className="field-problem" id={`${id}-problem`}>
            {rowProblems.join('; ')}
          </p>
        )}
      </td>
      <td data-label="" className="row-actions">
        <button
          type="button"
          className="button-secondary button-small"
          aria-label={`Remove key ${key}`}
          onClick={onRemove}
        >
          Remove
        </button>
      </td>
    </tr>
  );
}
