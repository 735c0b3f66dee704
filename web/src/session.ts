import { createContext, useContext } from 'react';
import type { CatalogueEntry, Directory, Me, SessionInfo } from './types';

/** Everything a signed-in page needs about who is using it. */
export interface SignedIn {
  readonly session: SessionInfo;
  readonly me: Me;
  readonly directory: Directory;
  readonly catalogue: readonly CatalogueEntry[];
  /** Reloads /me and the directory (after a change to the signed-in user's permissions). */
  readonly refresh: () => Promise<void>;
  readonly signOut: () => Promise<void>;
}

export const SessionContext = createContext<SignedIn | null>(null);

/** The signed-in user's context; pages are rendered only when someone is signed in. */
export function useSession(): SignedIn {
  const value = useContext(SessionContext);
  if (value === null) throw new Error('useSession outside a signed-in page');
  return value;
}
