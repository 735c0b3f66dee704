import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api';
import { ErrorAlert } from '../components/alert';
import { useTitle } from '../hooks';
import type { SessionInfo } from '../types';

const LAST_ACCOUNT = 'callgate.lastAccount';

const DEMO_USERS = [
  ['ada@northwind.example', 'Ada, account administrator'],
  ['carla@northwind.example', 'Carla, chief executive: every call and recording'],
  ['erik@northwind.example', 'Erik, head of Sales East'],
  ['mia@northwind.example', 'Mia, manager in Sales East'],
  ['cora@contractor.example', 'Cora, support: CRM clients only'],
] as const;

/** Sign-in: account, email and password; the server sets an HTTP-only session cookie. */
export function SignInPage({
  onSignedIn,
}: {
  readonly onSignedIn: (session: SessionInfo) => void;
}) {
  useTitle('Sign in');
  const [accountId, setAccountId] = useState(() => localStorage.getItem(LAST_ACCOUNT) ?? 'demo');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // `api`, naming the answer: SessionInfo narrows the reasons in its `me` (types.ts).
      const session = await api.post<SessionInfo>(
        '/session',
        { accountId: accountId.trim(), email: email.trim(), password },
        { quiet401: true },
      );
      localStorage.setItem(LAST_ACCOUNT, accountId.trim());
      onSignedIn(session);
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 401
          ? new Error('The account, email or password is not right. Check them and try again.')
          : caught,
      );
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <form
        className="card sign-in-card"
        onSubmit={(e) => void submit(e)}
        aria-labelledby="sign-in-title"
      >
        <h1 id="sign-in-title">
          <span aria-hidden="true" className="brand-mark">
            ☎
          </span>{' '}
          Sign in to Callgate
        </h1>
        {error !== null && <ErrorAlert error={error} />}
        <div className="field">
          <label htmlFor="sign-in-account">Account</label>
          <input
            id="sign-in-account"
            name="account"
            autoComplete="organization"
            required
            value={accountId}
            onChange={(e) => setAccountId(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="sign-in-email">Email</label>
          <input
            id="sign-in-email"
            name="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="sign-in-password">Password</label>
          <input
            id="sign-in-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <details className="demo-hint">
          <summary>Trying the demo company?</summary>
          <p>
            Account <code>demo</code>, password <code>callgate-demo</code> for everyone. Fill in one
            of these people:
          </p>
          <ul>
            {DEMO_USERS.map(([demoEmail, who]) => (
              <li key={demoEmail}>
                <button
                  type="button"
                  className="button-link"
                  onClick={() => {
                    setAccountId('demo');
                    setEmail(demoEmail);
                    setPassword('callgate-demo');
                  }}
                >
                  {who}
                </button>{' '}
                <code>{demoEmail}</code>
              </li>
            ))}
          </ul>
        </details>
      </form>
    </main>
  );
}
