import { type FormEvent, useId, useState } from 'react';
import { api } from '../api';
import { ErrorAlert, Loading, Notice, isVersionMismatch } from '../components/alert';
import { useLoad, useTitle } from '../hooks';
import type { DestinationPolicy, SettingsDocument } from '../types';
import { useUnsavedChanges } from '../unsaved-changes';

type Mode = DestinationPolicy['international']['mode'];
const MODE_LABEL: Readonly<Record<Mode, string>> = {
  any: 'To any country',
  listed: 'Only to the countries listed',
  none: 'None: only numbers of the account’s own country',
};

/**
 * The telephony settings that shape outbound calls for everyone (SPEC §5): the destination
 * policy (settings `outbound-policy`: premium-rate numbers, international calls) and the
 * account's own emergency numbers (settings `emergency-numbers`). telephonySettings.modify.
 */
export function OutboundPolicyPage() {
  useTitle('Outbound calls');
  const policy = useLoad(
    (signal) =>
      api.get<SettingsDocument<DestinationPolicy>>('/settings/outbound-policy', { signal }),
    [],
  );
  const emergency = useLoad(
    (signal) =>
      api.get<SettingsDocument<{ numbers: readonly string[] }>>('/settings/emergency-numbers', {
        signal,
      }),
    [],
  );
  return (
    <>
      <h1>Outbound calls</h1>
      <p className="lead">
        Rules for everyone’s outgoing calls, account administrators included: stolen credentials are
        how toll fraud happens, so an administrator changes the policy here rather than going around
        it. Emergency numbers are always allowed, whatever this page says.
      </p>
      {policy.status === 'loading' && policy.data === undefined && <Loading />}
      {policy.status === 'error' && <ErrorAlert error={policy.error} />}
      {policy.data !== undefined && policy.status !== 'error' && (
        <PolicyForm key={policy.data.version} saved={policy.data} onReload={policy.reload} />
      )}
      {emergency.status === 'loading' && emergency.data === undefined && <Loading />}
      {emergency.status === 'error' && <ErrorAlert error={emergency.error} />}
      {emergency.data !== undefined && emergency.status !== 'error' && (
        <EmergencyForm
          key={emergency.data.version}
          saved={emergency.data}
          onReload={emergency.reload}
        />
      )}
    </>
  );
}

function PolicyForm({
  saved,
  onReload,
}: {
  readonly saved: SettingsDocument<DestinationPolicy>;
  readonly onReload: () => void;
}) {
  const id = useId();
  const [premiumRate, setPremiumRate] = useState(saved.value.premiumRate);
  const [mode, setMode] = useState<Mode>(saved.value.international.mode);
  const [countries, setCountries] = useState(saved.value.international.countries.join(', '));
  const [state, setState] = useState<'idle' | 'busy' | 'saved'>('idle');
  const [error, setError] = useState<unknown>(null);
  useUnsavedChanges(
    state !== 'busy' &&
      (premiumRate !== saved.value.premiumRate ||
        mode !== saved.value.international.mode ||
        countries !== saved.value.international.countries.join(', ')),
  );

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setState('busy');
    setError(null);
    const listed = countries
      .split(/[\s,;]+/)
      .map((c) => c.trim().toUpperCase())
      .filter((c) => c !== '');
    try {
      await api.put(
        '/settings/outbound-policy',
        { premiumRate, international: { mode, countries: [...new Set(listed)] } },
        { ifMatch: saved.version },
      );
      setState('saved');
      onReload();
    } catch (caught) {
      setError(caught);
      setState('idle');
    }
  };

  return (
    <form className="card form-card" onSubmit={(e) => void save(e)} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Destination policy</h2>
      <fieldset disabled={state === 'busy'}>
        <div className="field">
          <label htmlFor={`${id}-premium`}>Premium-rate numbers</label>
          <select
            id={`${id}-premium`}
            value={premiumRate}
            onChange={(e) => setPremiumRate(e.target.value as DestinationPolicy['premiumRate'])}
          >
            <option value="block">Blocked for everyone (recommended)</option>
            <option value="allow">Allowed (each caller’s access level still applies)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-mode`}>International calls</label>
          <select id={`${id}-mode`} value={mode} onChange={(e) => setMode(e.target.value as Mode)}>
            {(Object.keys(MODE_LABEL) as Mode[]).map((m) => (
              <option key={m} value={m}>
                {MODE_LABEL[m]}
              </option>
            ))}
          </select>
        </div>
        {mode === 'listed' && (
          <div className="field">
            <label htmlFor={`${id}-countries`}>Countries that may be called</label>
            <input
              id={`${id}-countries`}
              value={countries}
              placeholder="GB, DE, FR"
              aria-describedby={`${id}-countries-hint`}
              onChange={(e) => setCountries(e.target.value)}
            />
            <p className="hint" id={`${id}-countries-hint`}>
              Two-letter country codes (ISO 3166), separated by commas. A number is international
              when its country, as the phone-number metadata places it, is not the account’s.
            </p>
          </div>
        )}
        <button type="submit" className="button-primary">
          {state === 'busy' ? 'Saving…' : 'Save destination policy'}
        </button>
      </fieldset>
      {state === 'saved' && <Notice tone="success">Saved. It applies from the next call.</Notice>}
      {error !== null && (
        <ErrorAlert error={error} title="The destination policy was not saved.">
          {isVersionMismatch(error) && (
            <>
              {' '}
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

function EmergencyForm({
  saved,
  onReload,
}: {
  readonly saved: SettingsDocument<{ numbers: readonly string[] }>;
  readonly onReload: () => void;
}) {
  const id = useId();
  const [numbers, setNumbers] = useState(saved.value.numbers.join('\n'));
  const [state, setState] = useState<'idle' | 'busy' | 'saved'>('idle');
  const [error, setError] = useState<unknown>(null);
  useUnsavedChanges(state !== 'busy' && numbers !== saved.value.numbers.join('\n'));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setState('busy');
    setError(null);
    try {
      await api.put(
        '/settings/emergency-numbers',
        {
          numbers: numbers
            .split('\n')
            .map((n) => n.trim())
            .filter((n) => n !== ''),
        },
        { ifMatch: saved.version },
      );
      setState('saved');
      onReload();
    } catch (caught) {
      setError(caught);
      setState('idle');
    }
  };

  return (
    <form className="card form-card" onSubmit={(e) => void save(e)} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>The company’s own emergency numbers</h2>
      <p className="muted">
        The emergency numbers of the account’s country and of each line’s country are known already
        (from Google’s phone-number metadata). Add numbers of your own — a site security desk, a
        plant’s fire brigade: anyone may call them, nothing can refuse them, and every call is
        recorded in the audit log.
      </p>
      <fieldset disabled={state === 'busy'}>
        <div className="field">
          <label htmlFor={`${id}-numbers`}>Numbers, one per line</label>
          <textarea
            id={`${id}-numbers`}
            rows={4}
            value={numbers}
            placeholder="+14155550911"
            onChange={(e) => setNumbers(e.target.value)}
          />
        </div>
        <button type="submit" className="button-primary">
          {state === 'busy' ? 'Saving…' : 'Save emergency numbers'}
        </button>
      </fieldset>
      {state === 'saved' && <Notice tone="success">Saved.</Notice>}
      {error !== null && (
        <ErrorAlert error={error} title="The emergency numbers were not saved.">
          {isVersionMismatch(error) && (
            <>
              {' '}
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
