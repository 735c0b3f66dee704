import { type ReactNode, useEffect, useRef, useState } from 'react';
import { NAV_ITEMS, type NavItem } from '../nav';
import { Link, useLocation } from '../router';
import { useSignedIn } from '../session';
import { UnsavedChangesDialog } from '../unsaved-changes';

const PLAN_NAMES: Readonly<Record<string, string>> = {
  free: 'Free',
  basic: 'Basic',
  standard: 'Standard',
  professional: 'Professional',
  enterprise: 'Enterprise',
};

/**
 * The frame of every signed-in page: a header with the account and the user, and the
 * navigation (a sidebar on wide screens, a menu behind a button on narrow ones), showing
 * only the pages the user's permissions open.
 */
export function Layout({ children }: { readonly children: ReactNode }) {
  const { me, signOut } = useSignedIn();
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const main = useRef<HTMLElement>(null);
  const isFirstPage = useRef(true);
  useEffect(() => {
    setMenuOpen(false);
    if (isFirstPage.current) {
      isFirstPage.current = false;
      return;
    }
    // A new page: start keyboard and screen-reader users at its content, as a page load would.
    main.current?.focus({ preventScroll: true });
  }, [path]);

  const items = NAV_ITEMS.filter((item) => item.allowed(me));
  const mainItems = items.filter((item) => item.section === 'main');
  const admin = items.filter((item) => item.section === 'admin');
  const plan = PLAN_NAMES[me.account.plan] ?? me.account.plan;

  const link = (item: NavItem) => {
    const current = path === item.path || path.startsWith(`${item.path}/`);
    return (
      <li key={item.path}>
        <Link to={item.path} aria-current={current ? 'page' : undefined}>
          {item.label}
        </Link>
      </li>
    );
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span aria-hidden="true" className="brand-mark">
            ☎
          </span>{' '}
          Callgate
        </Link>
        <span className="account" title={`Account ${me.account.id}`}>
          {me.account.name}{' '}
          <span className="badge">
            {plan}
            {me.account.edition === 'on-premise' ? ' · on-premise' : ''}
          </span>
        </span>
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="site-nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          Menu
        </button>
      </header>
      <nav id="site-nav" className={menuOpen ? 'sidebar open' : 'sidebar'} aria-label="Main">
        <ul>{mainItems.map(link)}</ul>
        {admin.length > 0 && (
          <>
            <h2 className="nav-heading" id="nav-admin">
              Access permissions
            </h2>
            <ul aria-labelledby="nav-admin">{admin.map(link)}</ul>
          </>
        )}
        <div className="whoami">
          <span>
            Signed in as <strong>{me.user.name}</strong>
            {me.user.admin && <span className="badge">administrator</span>}
          </span>
          <button type="button" className="button-link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </nav>
      <main id="main" className="content" tabIndex={-1} ref={main}>
        {children}
      </main>
      <UnsavedChangesDialog />
    </div>
  );
}
