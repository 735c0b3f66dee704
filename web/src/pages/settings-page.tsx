import { type FormEvent, useEffect, useId, useState } from 'react';
import { api } from '../api';
import { ErrorAlert, Loading, Notice, isVersionMismatch } from '../components/alert';
import { levelReaches, userName, usersReached } from '../directory';
import { useLoad, useTitle } from '../hooks';
import { levelIn, yourLevelLabel } from '../permissions';
import { navigate } from '../router';
import { useSession } from '../session';
import { DEVICES, type Device, type UserSettings } from '../types';
import { useUnsavedChanges } from '../unsaved-changes';

const DEVICE_LABEL: Readonly<Record<Device, string>> = {
  softphone: 'Softphone (in the browser)',
  sip: 'SIP phone or device',
  mobile: 'Mobile phone',
};

/**
 * A user's telephony settings: the connected device, SIP login and password, and the
 * number shown to people called. The signed-in user's own, or another's where
 * userSettings.modify reaches them.
 */
export function SettingsPage({ userId }: { readonly userId?: string }) {
  const { me, directory } = useSession();
  const target = userId ?? me.user.id;
  const isOwn = target === me.user.id;
  useTitle(
    isOwn ? 'My telephony settings' : `Telephony settings of ${userName(directory, target)}`,
  );
  const level = levelIn(me.permissions, 'userSettings.modify');
  const mayModify = levelReaches(directory, level, me.user.id, target);
  const others = usersReached(directory, level, me.user.id).filter((u) => u.id !== me.user.id);
  const pickerId = useId();
  const settings = useLoad(
    (signal) =>
      api.get<UserSettings>(`/users/${encodeURIComponent(target)}/telephony-settings`, { signal }),
    [target],
  );

  return (
    <>
      <h1>
        {isOwn ? 'My telephony settings' : `Telephony settings: ${userName(directory, target)}`}
      </h1>
      {others.length > 0 && (
        <div className="field inline-field">
          <label htmlFor={pickerId}>Whose settings</label>
          <select
            id={pickerId}
            value={target}
            onChange={(e) =>
              navigate(
                e.target.value === me.user.id
                  ? '/settings'
                  : `/settings/${encodeURIComponent(e.target.value)}`,
              )
            }
          >
            <option value={me.user.id}>My own ({me.user.name})</option>
            {others.map((user) => (
              <option key={user.id} value={user.id}>
                {user.name}
                {user.active ? '' : ' (inactive)'}
              </option>
            ))}
          </select>
        </div>
      )}
      <p className="lead">
        You may change:{' '}
        <strong>{yourLevelLabel('userSettings.modify', level).toLowerCase()}</strong>.
        {!mayModify &&
          (isOwn
            ? ' You can see your settings but not change them.'
            : ' You can see these settings but not change them.')}
      </p>
      {settings.status === 'loading' && settings.data === undefined && <Loading />}
      {settings.status === 'error' && <ErrorAlert error={settings.error} />}
      {settings.data !== undefined && settings.status !== 'error' && (
        <SettingsForm
          key={`${target}/${settings.data.version}`}
          settings={settings.data}
          isOwn={isOwn}
          editable={mayModify}
          onReload={settings.reload}
        />
      )}
    </>
  );
}

function SettingsForm({
  settings,
  isOwn,
  editable,
  onReload,
}: {
  readonly settings: UserSettings & { readonly callerIdChoices?: readonly string[] };
  readonly isOwn: boolean;
  readonly editable: boolean;
  readonly onReload: () => void;
}) {
  const id = useId();
  const [device, setDevice] = useState<Device | ''>(settings.device ?? '');
  const [sipLogin, setSipLogin] = useState(settings.sipLogin ?? '');
  const [sipSecret, setSipSecret] = useState('');
  const [removeSecret, setRemoveSecret] = useState(false);
  const [callerId, setCallerId] = useState(settings.callerIdNumber ?? '');
  const [saved, setSaved] = useState<UserSettings | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [version, setVersion] = useState(settings.version);
  useEffect(() => setVersion(settings.version), [settings.version]);
  const base = saved ?? settings;
  useUnsavedChanges(
    editable &&
      !busy &&
      (device !== (base.device ?? '') ||
        sipLogin.trim() !== (base.sipLogin ?? '') ||
        sipSecret !== '' ||
        removeSecret ||
        callerId.trim() !== (base.callerIdNumber ?? '')),
  );

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const answer = await api.put<UserSettings>(
        `/users/${encodeURIComponent(settings.userId)}/telephony-settings`,
        {
          device: device === '' ? null : device,
          sipLogin: sipLogin.trim() === '' ? null : sipLogin.trim(),
          ...(removeSecret ? { sipSecret: null } : sipSecret !== '' ? { sipSecret } : {}),
          callerIdNumber: callerId.trim() === '' ? null : callerId.trim(),
        },
        { ifMatch: version },
      );
      setSaved(answer);
      setVersion(answer.version);
      setSipSecret('');
      setRemoveSecret(false);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const hasSecret = saved?.hasSipSecret ?? settings.hasSipSecret;
  const choices = settings.callerIdChoices ?? [];
  // The stored caller ID stays choosable even when its line was closed to the user since.
  const callerIdOptions =
    settings.callerIdNumber === null || choices.includes(settings.callerIdNumber)
      ? choices
      : [settings.callerIdNumber, ...choices];
  return (
    <form className="card form-card" onSubmit={(e) => void save(e)}>
      <fieldset disabled={!editable || busy}>
        <legend className="visually-hidden">Telephony settings</legend>
        <div className="field">
          <label htmlFor={`${id}-device`}>Connected phone</label>
          <select
            id={`${id}-device`}
            value={device}
            onChange={(e) => setDevice(e.target.value as Device | '')}
          >
            <option value="">Not connected</option>
            {DEVICES.map((d) => (
              <option key={d} value={d}>
                {DEVICE_LABEL[d]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-login`}>SIP login</label>
          <input
            id={`${id}-login`}
            value={sipLogin}
            placeholder={editable ? '' : 'Not set'}
            pattern="[A-Za-z0-9_.@+\-]{1,64}"
            autoComplete="off"
            onChange={(e) => setSipLogin(e.target.value)}
          />
        </div>
        {editable && (
          <div className="field">
            <label htmlFor={`${id}-secret`}>SIP password</label>
            <input
              id={`${id}-secret`}
              type="password"
              autoComplete="new-password"
              value={sipSecret}
              maxLength={128}
              disabled={removeSecret}
              placeholder={hasSecret ? 'Stored — leave empty to keep it' : 'Not set'}
              onChange={(e) => setSipSecret(e.target.value)}
            />
            {hasSecret && (
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={removeSecret}
                  onChange={(e) => setRemoveSecret(e.target.checked)}
                />{' '}
                Remove the stored SIP password
              </label>
            )}
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-caller`}>
            {isOwn ? 'Number people you call see' : 'Number people they call see'} (outbound caller
            ID)
          </label>
          <select
            id={`${id}-caller`}
            value={callerId}
            aria-describedby={`${id}-caller-hint`}
            onChange={(e) => setCallerId(e.target.value)}
          >
            <option value="">The account’s default</option>
            {callerIdOptions.map((number) => (
              <option key={number} value={number}>
                {number}
                {choices.includes(number) ? '' : ' (no longer allowed)'}
              </option>
            ))}
          </select>
          <p className="hint" id={`${id}-caller-hint`}>
            {choices.length === 0
              ? `No rented number is open to ${isOwn ? 'you' : 'them'} for outgoing calls: calls show the account’s default.`
              : `The account’s numbers ${isOwn ? 'you' : 'they'} may call out from.`}
          </p>
        </div>
        {editable && (
          <button type="submit" className="button-primary">
            {busy ? 'Saving…' : 'Save settings'}
          </button>
        )}
      </fieldset>
      {saved !== null && <Notice tone="success">Settings saved.</Notice>}
      {error !== null && (
        <ErrorAlert error={error} title="The settings were not saved.">
          {isVersionMismatch(error) && (
            <>
              {' '}
              Someone changed these settings meanwhile.{' '}
              <button type="button" className="button-secondary" onClick={onReload}>
                Reload the latest
              </button>
            </>
          )}
        </ErrorAlert>
      )}
    </form>
  );
}
