import type { ReactNode } from 'react';
import { ApiError, messageOf } from '../api';

/** A refusal or failure, with the server's message; announced to screen readers. */
export function ErrorAlert({
  error,
  title,
  children,
}: {
  readonly error: unknown;
  readonly title?: string;
  readonly children?: ReactNode;
}) {
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div className="alert alert-error" role="alert" data-code={code}>
      {title !== undefined && <strong>{title} </strong>}
      <span>{messageOf(error)}</span>
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
