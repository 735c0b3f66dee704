import { type ReactNode, useContext } from 'react';
import { ApiError, messageOf } from '../api';
import { NO_DIRECTORY } from '../directory';
import { wordError } from '../reasons';
import { SessionContext } from '../session';

/**
 * A refusal or failure, announced to screen readers. Refusals (403, 404) are worded for
 * the reader from the rule the server sends (reasons.ts); other failures show the server's
 * message. `what` names the thing a 404 is about ("This call").
 */
export function ErrorAlert({
  error,
  title,
  what,
  children,
}: {
  readonly error: unknown;
  readonly title?: string;
  readonly what?: string;
  readonly children?: ReactNode;
}) {
  const signedIn = useContext(SessionContext);
  const code = error instanceof ApiError ? error.code : undefined;
  const message =
    signedIn === null
      ? messageOf(error)
      : wordError(
          error,
          // Pages that load no directory (the calls) word a refusal with ids, not names.
          { directory: signedIn.directory ?? NO_DIRECTORY, readerId: signedIn.me.user.id },
          what,
        );
  return (
    <div className="alert alert-error" role="alert" data-code={code}>
      {title !== undefined && <strong>{title} </strong>}
      <span>{message}</span>
      {children}
    </div>
  );
}

export function Notice({
  tone = 'info',
  children,
}: {
  readonly tone?: 'info' | 'success' | 'warning';
  readonly children: ReactNode;
}) {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'success' ? 'status' : undefined}>
      {children}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { readonly label?: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}

/** The message for a 412: someone else saved first. */
export function isVersionMismatch(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 412 || error.code === 'version_mismatch');
}
