import { useSignedIn } from '../session';

/**
 * The plan limit in plain words (SPEC §9): on the free cloud plan the default roles and
 * assignments apply and cannot be changed. Shows nothing where editing is available.
 */
export function PlanNotice() {
  const { me } = useSignedIn();
  if (me.account.canEditPermissions) return null;
  return (
    <div className="alert alert-warning plan-notice" role="note" aria-label="Plan limit">
      <strong>Read-only on your plan.</strong> Editing access permissions is not available on the{' '}
      <em>{me.account.plan}</em> plan: the default roles and assignments apply to everyone and
      cannot be changed. Upgrade to a paid plan (Basic or higher) or use the on-premise edition to
      create roles and assign them.
    </div>
  );
}
