import {
  type AnchorHTMLAttributes,
  type MouseEvent,
  type ReactNode,
  useSyncExternalStore,
} from 'react';

/**
 * A router of a few lines over the History API: the server answers index.html for every
 * page path, so real URLs work on reload and can be bookmarked.
 */
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const notify = () => {
  for (const listener of listeners) listener();
};

const snapshot = () => window.location.pathname + window.location.search;

/**
 * Asked before every navigation, links and the browser's Back and Forward alike: answers
 * false to hold it, keeping `leave` to go on with it later (once the user chose to leave).
 */
export type NavigationGuard = (to: string, leave: () => void) => boolean;

let guard: NavigationGuard | null = null;

/** Set by the unsaved-changes guard (unsaved-changes.tsx), which asks whether to leave. */
export function setNavigationGuard(next: NavigationGuard | null): void {
  guard = next;
}

// Each history entry of the app carries its position, so that a held Back or Forward can
// be undone by the same number of steps, leaving the history as it was.
const indexOf = (state: unknown): number | undefined => {
  const index = (state as { index?: unknown } | null)?.index;
  return typeof index === 'number' ? index : undefined;
};
/** The page shown, and its entry's position: what a held Back or Forward returns to. */
let shown = snapshot();
let shownIndex = indexOf(window.history.state) ?? 0;
if (indexOf(window.history.state) === undefined) window.history.replaceState({ index: 0 }, '');
/** Set while the history moves back to the page shown after a held Back: not a navigation. */
let isRestoring = false;
/** Set while the history moves on after the user chose to leave: passes the guard. */
let isLeaving = false;

window.addEventListener('popstate', (event) => {
  const to = snapshot();
  const toIndex = indexOf(event.state);
  if (isRestoring) {
    isRestoring = false;
    return;
  }
  const steps = toIndex === undefined ? undefined : toIndex - shownIndex;
  const leave = () => {
    if (steps === undefined) {
      navigate(to, { force: true });
      return;
    }
    isLeaving = true;
    window.history.go(steps);
  };
  // A move within the page (its #fragment) leaves nothing.
  if (!isLeaving && to !== shown && guard !== null && !guard(to, leave)) {
    // Hold: the address goes back to the editor, whose edits live on in React's state.
    if (steps !== undefined && steps !== 0) {
      isRestoring = true;
      window.history.go(-steps);
    } else {
      window.history.pushState({ index: ++shownIndex }, '', shown);
    }
    return;
  }
  isLeaving = false;
  shown = to;
  shownIndex = toIndex ?? shownIndex;
  notify();
});

/**
 * Goes to `to` (a path with an optional query) without reloading the page. `force` passes
 * the unsaved-changes guard: for leaving after a save, or once the user chose to leave.
 */
export function navigate(to: string, options: { replace?: boolean; force?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (
    !options.force &&
    guard !== null &&
    !guard(to, () => navigate(to, { ...options, force: true }))
  )
    return;
  if (options.replace) {
    window.history.replaceState({ index: shownIndex }, '', to);
  } else {
    shownIndex += 1;
    window.history.pushState({ index: shownIndex }, '', to);
  }
  shown = snapshot();
  notify();
  if (!options.replace) window.scrollTo(0, 0);
}

export interface Location {
  readonly path: string;
  readonly query: URLSearchParams;
}

/** The current path and query; re-renders on every navigation. */
export function useLocation(): Location {
  const current = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(current, window.location.origin);
  return { path: url.pathname, query: url.searchParams };
}

/** Matches `/calls/:id` style patterns; answers the parameters or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const names: string[] = [];
  const source = pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const match = new RegExp(`^${source}/?$`).exec(path);
  if (!match) return null;
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & {
  readonly to: string;
  readonly children: ReactNode;
};

/** A real link (keyboard, middle click, "open in new tab" all work) that navigates in place. */
export function Link({ to, onClick, children, ...rest }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    )
      return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handle} {...rest}>
      {children}
    </a>
  );
}
