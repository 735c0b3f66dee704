import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { api, messageOf } from '../api';
import { useDebounced } from '../hooks';

/** What GET /directory/search answers about one item. */
export interface ComboboxItem {
  readonly id: string;
  readonly name: string;
  readonly active?: boolean;
  readonly email?: string | null;
  /** Departments: the names from the root down, the department's own last. */
  readonly path?: readonly string[];
}

export type SearchKind = 'user' | 'department' | 'workgroup' | 'group';

const SEARCH_DELAY_MS = 200;
const RECENT_COUNT = 5;
/** Asked for when the caller filters the answers, so a filter leaves something to show. */
const FILTERED_LIMIT = 50;

/** "Company › Sales › Inside" for a department, the name for anything else. */
export function itemLabel(item: ComboboxItem): string {
  return item.path !== undefined && item.path.length > 0 ? item.path.join(' › ') : item.name;
}

const recentKey = (kind: SearchKind) => `callgate.recent.${kind}`;

/** The last choices made in pickers of this kind, newest first (this browser only). */
function readRecent(kind: SearchKind): ComboboxItem[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(recentKey(kind)) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (item): item is ComboboxItem =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as ComboboxItem).id === 'string' &&
        typeof (item as ComboboxItem).name === 'string',
    );
  } catch {
    // Storage may be disabled or hold something else: recent choices are a convenience.
    return [];
  }
}

function rememberRecent(kind: SearchKind, item: ComboboxItem): void {
  try {
    const recent = [item, ...readRecent(kind).filter((r) => r.id !== item.id)];
    localStorage.setItem(recentKey(kind), JSON.stringify(recent.slice(0, RECENT_COUNT)));
  } catch {
    // As above: nothing to do when storage refuses.
  }
}

/**
 * A searchable picker of people, departments, workgroups or user groups (issue 13): type
 * to search the server (debounced), ArrowUp/ArrowDown to move, Enter to pick, Escape to
 * close; with nothing typed it offers the recent choices. The WAI-ARIA combobox pattern:
 * the focus stays in the input and `aria-activedescendant` names the highlighted option.
 *
 * @example <Combobox label="User" kind="user" value={user} onChange={setUser} />
 */
export function Combobox({
  label,
  kind,
  value,
  onChange,
  placeholder = 'Type a name…',
  filter,
  hint,
}: {
  readonly label: string;
  readonly kind: SearchKind;
  readonly value: ComboboxItem | null;
  readonly onChange: (item: ComboboxItem | null) => void;
  readonly placeholder?: string;
  /** Keeps only the answers the caller can use (for example, people in the viewer's scope). */
  readonly filter?: (item: ComboboxItem) => boolean;
  readonly hint?: string;
}) {
  const id = useId();
  const inputId = `${id}-input`;
  const listId = `${id}-list`;
  const [text, setText] = useState(value === null ? '' : itemLabel(value));
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [results, setResults] = useState<readonly ComboboxItem[]>([]);
  const [status, setStatus] = useState<'idle' | 'loading' | 'error'>('idle');
  const [error, setError] = useState('');
  const query = useDebounced(text.trim(), SEARCH_DELAY_MS);
  const filterRef = useRef(filter);
  filterRef.current = filter;

  // The value chosen elsewhere (a reset, a URL) shows in the input; a value cleared because
  // the user started typing leaves the typing alone.
  const clearedByTyping = useRef(false);
  const valueLabel = value === null ? '' : itemLabel(value);
  useEffect(() => {
    if (valueLabel === '' && clearedByTyping.current) {
      clearedByTyping.current = false;
      return;
    }
    setText(valueLabel);
  }, [value?.id, valueLabel]);

  const typing = value === null || text !== itemLabel(value);
  useEffect(() => {
    if (!open || !typing || query === '') {
      setResults([]);
      setStatus('idle');
      return;
    }
    const controller = new AbortController();
    setStatus('loading');
    api
      .get<{ items: ComboboxItem[] }>('/directory/search', {
        query: {
          kind,
          q: query,
          ...(filterRef.current !== undefined && { limit: FILTERED_LIMIT }),
        },
        signal: controller.signal,
      })
      .then(
        ({ items }) => {
          if (controller.signal.aborted) return;
          const keep = filterRef.current;
          setResults(keep === undefined ? items : items.filter(keep));
          setStatus('idle');
          setActive(0);
        },
        (e: unknown) => {
          if (controller.signal.aborted) return;
          setStatus('error');
          setError(messageOf(e));
        },
      );
    return () => controller.abort();
  }, [open, typing, query, kind]);

  const showingRecent = text.trim() === '';
  const recent = showingRecent && open ? readRecent(kind).filter((r) => filter?.(r) ?? true) : [];
  const options = showingRecent ? recent : results;
  const expanded = open && (options.length > 0 || (!showingRecent && query !== ''));

  const pick = (item: ComboboxItem) => {
    rememberRecent(kind, item);
    setText(itemLabel(item));
    setOpen(false);
    setActive(-1);
    onChange(item);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (!open) setOpen(true);
        setActive((a) => (options.length === 0 ? -1 : Math.min(a + 1, options.length - 1)));
        break;
      case 'ArrowUp':
        e.preventDefault();
        setActive((a) => Math.max(a - 1, 0));
        break;
      case 'Enter': {
        const item = options[active];
        if (expanded && item !== undefined) {
          e.preventDefault();
          pick(item);
        }
        break;
      }
      case 'Escape':
        if (open) {
          e.preventDefault();
          setOpen(false);
        } else if (text !== '') {
          e.preventDefault();
          setText('');
          onChange(null);
        }
        break;
    }
  };

  const optionId = (index: number) => `${id}-option-${index}`;
  const activeItem = expanded ? options[active] : undefined;

  return (
    <div className="field combobox">
      <label htmlFor={inputId}>{label}</label>
      <div className="combobox-control">
        <input
          id={inputId}
          type="text"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={activeItem === undefined ? undefined : optionId(active)}
          {...(hint !== undefined && { 'aria-describedby': `${id}-hint` })}
          placeholder={placeholder}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
            setActive(e.target.value.trim() === '' ? 0 : -1);
            if (value !== null) {
              clearedByTyping.current = true;
              onChange(null);
            }
          }}
          onFocus={() => setOpen(true)}
          onClick={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onKeyDown={onKeyDown}
        />
        {value !== null && (
          <button
            type="button"
            className="combobox-clear"
            aria-label={`Clear ${label.toLowerCase()}`}
            onClick={() => {
              setText('');
              onChange(null);
            }}
          >
            ×
          </button>
        )}
      </div>
      <ul
        id={listId}
        role="listbox"
        aria-label={label}
        className="combobox-list"
        hidden={!expanded}
      >
        {showingRecent && options.length > 0 && (
          <li role="presentation" className="combobox-heading">
            Recent
          </li>
        )}
        {options.map((item, index) => (
          <li
            key={item.id}
            id={optionId(index)}
            role="option"
            aria-selected={index === active}
            className={index === active ? 'combobox-option active' : 'combobox-option'}
            // mousedown, not click: the input's blur would close the list first.
            onMouseDown={(e) => {
              e.preventDefault();
              pick(item);
            }}
            onMouseMove={() => setActive(index)}
          >
            <span className="combobox-name">
              {item.name}
              {item.active === false && ' (inactive)'}
            </span>
            {item.path !== undefined && item.path.length > 1 && (
              <span className="combobox-detail">{item.path.slice(0, -1).join(' › ')}</span>
            )}
            {item.email != null && <span className="combobox-detail">{item.email}</span>}
          </li>
        ))}
        {!showingRecent && status === 'idle' && options.length === 0 && query !== '' && (
          <li role="presentation" className="combobox-empty">
            Nothing found for “{query}”.
          </li>
        )}
      </ul>
      <p className="visually-hidden" role="status" aria-live="polite">
        {expanded && !showingRecent && status === 'idle'
          ? `${options.length} result${options.length === 1 ? '' : 's'}`
          : ''}
      </p>
      {status === 'error' && <p className="hint combobox-error">{error}</p>}
      {hint !== undefined && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}
