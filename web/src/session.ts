import { createContext, useContext, useEffect } from 'react';
import type { CatalogueEntry, Directory, Me, SessionInfo } from './types';

/**
 * What every signed-in page has about who is using it. The whole directory (thousands of
 * people) is not loaded at start: pages that need it are rendered once it has arrived (see
 * {@link useSession}); the calls and statistics name people from their own answers.
 */
export interface SignedInBase {
  readonly session: SessionInfo;
  readonly me: Me;
  readonly catalogue: readonly CatalogueEntry[];
  /** The directory, or null until a page has asked for it (`loadDirectory`). */
  readonly directory: Directory | null;
  /** Starts loading the directory; nothing when it is loaded or on its way. */
  readonly loadDirectory: () => void;
  /** Reloads /me and the directory (after a change to the signed-in user's permissions). */
  readonly refresh: () => Promise<void>;
  readonly signOut: () => Promise<void>;
}

/** A signed-in page with the directory loaded. */
export interface SignedIn extends SignedInBase {
  readonly directory: Directory;
}

export const SessionContext = createContext<SignedInBase | null>(null);

/** The signed-in user's context, whether or not the directory is loaded. */
export function useSignedIn(): SignedInBase {
  const value = useContext(SessionContext);
  if (value === null) throw new Error('useSignedIn outside a signed-in page');
  return value;
}

/**
 * The signed-in user's context with the directory: for pages the app renders only once the
 * directory is loaded (every page but those its routes mark `withoutDirectory`).
 */
export function useSession(): SignedIn {
  const value = useSignedIn();
  if (value.directory === null) throw new Error('useSession before the directory was loaded');
  return value as SignedIn;
}

/**
 * The directory when `needed`, loading it on first need; null until it arrives (or when
 * not needed and not loaded): for parts of pages that work without it, such as a filter.
 */
export function useDirectoryWhen(needed: boolean): Directory | null {
  const { directory, loadDirectory } = useSignedIn();
  useEffect(() => {
    if (needed) loadDirectory();
  }, [needed, loadDirectory]);
  return directory;
}
