import { type FormEvent, useId, useState } from 'react';
import { api } from '../api';
import { ErrorAlert, Loading, Notice, isVersionMismatch } from '../components/alert';
import { ChangesPreview, SaveBar, changesSummary } from '../components/save-bar';
import { useLoad, useTitle } from '../hooks';
import type { DestinationPolicy, SettingsDocument } from '../types';
import { useUnsavedChanges } from '../unsaved-changes';
import { listChanges } from './call-routing-editors';

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
  // Kept here: a save reloads the form, which starts again at the new version.
  const [justSaved, setJustSaved] = useState<'policy' | 'emergency' | null>(null);
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
        <PolicyForm
          saved={policy.data}
          justSaved={justSaved === 'policy'}
          onEdit={() => setJustSaved(null)}
          onSaved={() => {
            setJustSaved('policy');
            policy.reload();
          }}
          onReload={policy.reload}
        />
      )}
      {emergency.status === 'loading' && emergency.data === undefined && <Loading />}
      {emergency.status === 'error' && <ErrorAlert error={emergency.error} />}
      {emergency.data !== undefined && emergency.status !== 'error' && (
        <EmergencyForm
          saved={emergency.data}
          justSaved={justSaved === 'emergency'}
          onEdit={() => setJustSaved(null)}
          onSaved={() => {
            setJustSaved('emergency');
            emergency.reload();
          }}
          onReload={emergency.reload}
        />
      )}
    </>
  );
}

function PolicyForm({
  saved,
  justSaved,
  onEdit,
  onSaved,
  onReload,
}: {
  readonly saved: SettingsDocument<DestinationPolicy>;
  readonly justSaved: boolean;
  readonly onEdit: () => void;
  readonly onSaved: () => void;
  readonly onReload: () => void;
}) {
  const id = useId();
  const [premiumRate, setPremiumRate] = useState(saved.value.premiumRate);
  const [mode, setMode] = useState<Mode>(saved.value.international.mode);
  const [countries, setCountries] = useState(saved.value.international.countries.join(', '));
  const [state, setState] = useState<'idle' | 'busy'>('idle');
  const [error, setError] = useState<unknown>(null);
  // A save reads the policy again: the form starts over from the new version.
  const [version, setVersion] = useState(saved.version);
  if (version !== saved.version) {
    setVersion(saved.version);
    setPremiumRate(saved.value.premiumRate);
    setMode(saved.value.international.mode);
    setCountries(saved.value.international.countries.join(', '));
    setState('idle');
  }
  const draft: DestinationPolicy = {
    premiumRate,
    international: { mode, countries: countriesOf(countries) },
  };
  const changes = describePolicy(saved.value, draft);
  const isChanged =
    changes.length > 0 || countries !== saved.value.international.countries.join(', ');
  useUnsavedChanges(state !== 'busy' && isChanged);
  const discard = () => {
    setPremiumRate(saved.value.premiumRate);
    setMode(saved.value.international.mode);
    setCountries(saved.value.international.countries.join(', '));
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setState('busy');
    setError(null);
    try {
      await api.put('/settings/outbound-policy', draft, { ifMatch: saved.version });
      onSaved();
    } catch (caught) {
      setError(caught);
      setState('idle');
    }
  };

  return (
    <form
      className="card form-card"
      onSubmit={(e) => void save(e)}
      onChange={onEdit}
      aria-labelledby={`${id}-h`}
    >
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
      </fieldset>
      {isChanged && <ChangesPreview id={`${id}-preview`} changes={changes} />}
      {isChanged && (
        <SaveBar
          summary={changesSummary(changes)}
          previewId={`${id}-preview`}
          busy={state === 'busy'}
          canSave
          saveLabel="Save destination policy"
          onDiscard={discard}
        />
      )}
      {justSaved && <Notice tone="success">Saved. It applies from the next call.</Notice>}
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
  justSaved,
  onEdit,
  onSaved,
  onReload,
}: {
  readonly saved: SettingsDocument<{ numbers: readonly string[] }>;
  readonly justSaved: boolean;
  readonly onEdit: () => void;
  readonly onSaved: () => void;
  readonly onReload: () => void;
}) {
  const id = useId();
  const [numbers, setNumbers] = useState(saved.value.numbers.join('\n'));
  const [state, setState] = useState<'idle' | 'busy'>('idle');
  const [error, setError] = useState<unknown>(null);
  // A save reads the list again: the form starts over from the new version.
  const [version, setVersion] = useState(saved.version);
  if (version !== saved.version) {
    setVersion(saved.version);
    setNumbers(saved.value.numbers.join('\n'));
    setState('idle');
  }
  const changes = listChanges(
    saved.value.numbers,
    linesOf(numbers),
    (n) => n,
    (n) => n,
    {
      added: (n) => `Anyone may always call ${n}, and each call is audited.`,
      removed: (n) => `${n} is no longer treated as an emergency number.`,
    },
  );
  const isChanged = numbers !== saved.value.numbers.join('\n');
  useUnsavedChanges(state !== 'busy' && isChanged);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setState('busy');
    setError(null);
    try {
      await api.put(
        '/settings/emergency-numbers',
        { numbers: linesOf(numbers) },
        { ifMatch: saved.version },
      );
      onSaved();
    } catch (caught) {
      setError(caught);
      setState('idle');
    }
  };

  return (
    <form
      className="card form-card"
      onSubmit={(e) => void save(e)}
      onChange={onEdit}
      aria-labelledby={`${id}-h`}
    >
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
      </fieldset>
      {isChanged && <ChangesPreview id={`${id}-preview`} changes={changes} />}
      {isChanged && (
        <SaveBar
          summary={changesSummary(changes)}
          previewId={`${id}-preview`}
          busy={state === 'busy'}
          canSave
          saveLabel="Save emergency numbers"
          onDiscard={() => setNumbers(saved.value.numbers.join('\n'))}
        />
      )}
      {justSaved && <Notice tone="success">Saved.</Notice>}
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

/** "GB, de; fr" → ["GB", "DE", "FR"], each once. */
const countriesOf = (text: string): string[] => [
  ...new Set(
    text
      .split(/[\s,;]+/)
      .map((c) => c.trim().toUpperCase())
      .filter((c) => c !== ''),
  ),
];

/** The lines of a text area, trimmed, blank ones dropped. */
const linesOf = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

/** What saving the destination policy changes, for everyone, one sentence each. */
function describePolicy(before: DestinationPolicy, after: DestinationPolicy): string[] {
  const lines: string[] = [];
  if (before.premiumRate !== after.premiumRate)
    lines.push(
      after.premiumRate === 'block'
        ? 'Nobody may call premium-rate numbers any more.'
        : 'Premium-rate numbers may be called by those whose level allows the number.',
    );
  const was = before.international;
  const is = after.international;
  if (was.mode !== is.mode)
    lines.push(`International calls: ${MODE_LABEL[is.mode]} (was: ${MODE_LABEL[was.mode]}).`);
  if (is.mode === 'listed')
    lines.push(
      ...listChanges(
        was.mode === 'listed' ? was.countries : [],
        is.countries,
        (c) => c,
        (c) => c,
        {
          added: (c) => `Calls to ${c} are allowed.`,
          removed: (c) => `Calls to ${c} are refused.`,
        },
      ),
    );
  return lines;
}
