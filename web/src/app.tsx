import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, api, setCsrfToken, setUnauthenticatedHandler } from './api';
import { ErrorAlert, Loading } from './components/alert';
import { Layout } from './components/layout';
import { administers, homePath } from './nav';
import { hasAny } from './permissions';
import { AssignmentsPage } from './pages/assignments-page';
import { AuditLogPage } from './pages/audit-log-page';
import { BalancePage } from './pages/balance-page';
import { CallDetailsPage } from './pages/call-details-page';
import { CallsPage } from './pages/calls-page';
import { EffectivePermissionsPage } from './pages/effective-permissions-page';
import { NotFoundPage } from './pages/not-found-page';
import { NumbersPage } from './pages/numbers-page';
import { OutboundPolicyPage } from './pages/outbound-policy-page';
import { TelephonySettingsPage } from './pages/telephony-settings-page';
import { PlaceCallPage } from './pages/place-call-page';
import { RecordingsFolderPage } from './pages/recordings-folder-page';
import { RoleEditorPage } from './pages/role-editor-page';
import { RolesPage } from './pages/roles-page';
import { SettingsPage } from './pages/settings-page';
import { SignInPage } from './pages/sign-in-page';
import { StatisticsPage } from './pages/statistics-page';
import { matchPath, navigate, useLocation } from './router';
import { SessionContext, type SignedInBase } from './session';
import type { Directory, Me, SessionInfo } from './types';

interface Route {
  readonly pattern: string;
  /** Who may open the page; others get "not available" (the server would refuse anyway). */
  readonly allowed?: (me: Me) => boolean;
  readonly render: (params: Record<string, string>) => ReactNode;
  /**
   * The page names people from its own answers (a call's `userName`), so it is shown
   * without waiting for the whole directory; every other page waits for it (useSession).
   */
  readonly withoutDirectory?: true;
}

const seesCalls = (me: Me) => hasAny(me.permissions, 'callStats.view');

const ROUTES: readonly Route[] = [
  { pattern: '/calls', allowed: seesCalls, render: () => <CallsPage />, withoutDirectory: true },
  {
    pattern: '/calls/:id',
    allowed: seesCalls,
    render: ({ id }) => <CallDetailsPage callId={id ?? ''} />,
  },
  {
    pattern: '/statistics',
    allowed: seesCalls,
    render: () => <StatisticsPage />,
    withoutDirectory: true,
  },
  { pattern: '/dial', render: () => <PlaceCallPage /> },
  { pattern: '/settings', render: () => <SettingsPage /> },
  { pattern: '/settings/:userId', render: ({ userId }) => <SettingsPage userId={userId ?? ''} /> },
  {
    pattern: '/numbers',
    allowed: (me) => hasAny(me.permissions, 'numbers.manage'),
    render: () => <NumbersPage />,
  },
  {
    pattern: '/balance',
    allowed: (me) => hasAny(me.permissions, 'balance.manage'),
    render: () => <BalancePage />,
  },
  { pattern: '/admin/roles', allowed: administers, render: () => <RolesPage /> },
  { pattern: '/admin/roles/new', allowed: administers, render: () => <RoleEditorPage /> },
  {
    pattern: '/admin/roles/:id',
    allowed: administers,
    render: ({ id }) => <RoleEditorPage roleId={id ?? ''} />,
  },
  { pattern: '/admin/assignments', allowed: administers, render: () => <AssignmentsPage /> },
  { pattern: '/admin/effective', allowed: administers, render: () => <EffectivePermissionsPage /> },
  {
    pattern: '/admin/recordings-folder',
    allowed: administers,
    render: () => <RecordingsFolderPage />,
  },
  {
    pattern: '/admin/outbound-calls',
    allowed: administers,
    render: () => <OutboundPolicyPage />,
  },
  {
    pattern: '/admin/telephony-settings',
    allowed: administers,
    render: () => <TelephonySettingsPage />,
  },
  { pattern: '/admin/audit', allowed: administers, render: () => <AuditLogPage /> },
];

type AppState =
  | { readonly kind: 'starting' }
  | { readonly kind: 'signedOut' }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'signedIn'; readonly session: SessionInfo; readonly me: Me };

/** The whole directory, loaded when the first page that needs it is shown. */
type DirectoryState =
  | { readonly status: 'idle' | 'loading' }
  | { readonly status: 'ready'; readonly directory: Directory }
  | { readonly status: 'error'; readonly error: unknown };

/** The session's answer carries /me and the catalogue: the app starts from it alone. */
function signedIn(session: SessionInfo): AppState {
  setCsrfToken(session.csrfToken);
  return { kind: 'signedIn', session, me: session.me };
}

/** The app: the session (probed on load), then the page the URL names. */
export function App() {
  const [state, setState] = useState<AppState>({ kind: 'starting' });
  const [directory, setDirectory] = useState<DirectoryState>({ status: 'idle' });
  const directoryStatus = useRef(directory.status);
  directoryStatus.current = directory.status;
  const location = useLocation();

  const start = useCallback((session: SessionInfo) => {
    setDirectory({ status: 'idle' });
    setState(signedIn(session));
  }, []);

  // A reload (refresh) keeps the directory shown until the new one is in: the page stays.
  const fetchDirectory = useCallback(async () => {
    setDirectory({ status: 'ready', directory: await api.get<Directory>('/directory') });
  }, []);

  const loadDirectory = useCallback(() => {
    if (directoryStatus.current === 'idle' || directoryStatus.current === 'error') {
      directoryStatus.current = 'loading';
      setDirectory({ status: 'loading' });
      fetchDirectory().catch((error: unknown) => setDirectory({ status: 'error', error }));
    }
  }, [fetchDirectory]);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setCsrfToken(null);
      setState({ kind: 'signedOut' });
    });
    api.get<SessionInfo>('/session', { quiet401: true }).then(
      (session) => start(session),
      (error: unknown) =>
        setState(
          error instanceof ApiError && error.status === 401
            ? { kind: 'signedOut' }
            : { kind: 'failed', error },
        ),
    );
    return () => setUnauthenticatedHandler(null);
  }, [start]);

  const current = state.kind === 'signedIn' ? state : null;
  const loaded = directory.status === 'ready' ? directory.directory : null;
  const context = useMemo<SignedInBase | null>(() => {
    if (current === null) return null;
    return {
      session: current.session,
      me: current.me,
      catalogue: current.session.catalogue,
      directory: loaded,
      loadDirectory,
      refresh: async () => {
        const [session] = await Promise.all([
          api.get<SessionInfo>('/session'),
          loaded !== null && fetchDirectory(),
        ]);
        setState(signedIn(session));
      },
      signOut: async () => {
        try {
          await api.delete('/session');
        } finally {
          setCsrfToken(null);
          setState({ kind: 'signedOut' });
          navigate('/sign-in');
        }
      },
    };
  }, [current, loaded, loadDirectory, fetchDirectory]);

  useEffect(() => {
    if (state.kind === 'signedIn' && (location.path === '/' || location.path === '/sign-in'))
      navigate(location.query.get('next') ?? homePath(state.me), { replace: true });
  }, [state, location]);

  switch (state.kind) {
    case 'starting':
      return (
        <main id="main" className="sign-in">
          <Loading label="Starting…" />
        </main>
      );
    case 'failed':
      return (
        <main id="main" className="sign-in">
          <ErrorAlert error={state.error} title="Callgate could not start.">
            {' '}
            <button
              type="button"
              className="button-secondary"
              onClick={() => window.location.reload()}
            >
              Try again
            </button>
          </ErrorAlert>
        </main>
      );
    case 'signedOut':
      return (
        <SignInPage
          onSignedIn={(session) => {
            const next =
              location.path !== '/' && location.path !== '/sign-in'
                ? location.path + window.location.search
                : null;
            start(session);
            if (next !== null) navigate(next, { replace: true });
          }}
        />
      );
    case 'signedIn': {
      const page = (() => {
        for (const route of ROUTES) {
          const params = matchPath(route.pattern, location.path);
          if (params === null) continue;
          if (route.allowed && !route.allowed(state.me)) return <NotFoundPage forbidden />;
          if (route.withoutDirectory || directory.status === 'ready') return route.render(params);
          if (directory.status === 'error')
            return (
              <ErrorAlert error={directory.error} title="The directory could not be loaded.">
                {' '}
                <button type="button" className="button-secondary" onClick={loadDirectory}>
                  Try again
                </button>
              </ErrorAlert>
            );
          return <AwaitDirectory load={loadDirectory} />;
        }
        if (location.path === '/' || location.path === '/sign-in') return <Loading />;
        return <NotFoundPage />;
      })();
      return (
        <SessionContext.Provider value={context}>
          <Layout>{page}</Layout>
        </SessionContext.Provider>
      );
    }
  }
}

/** Shown while the directory a page needs is on its way; asks for it when first shown. */
function AwaitDirectory({ load }: { readonly load: () => void }) {
  useEffect(load, [load]);
  return <Loading label="Loading the directory…" />;
}
