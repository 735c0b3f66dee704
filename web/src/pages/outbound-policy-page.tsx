import { useId, useState } from 'react';
import { itemPlace } from '../components/field-problems';
import { NumberList, numberPlace } from '../components/number-list';
import { type EditorProps, SettingsCard } from '../components/settings-section';
import { useTitle } from '../hooks';
import type { DestinationPolicy } from '../types';
import { listChanges } from './call-routing-editors';

type Mode = DestinationPolicy['international']['mode'];
const MODE_LABEL: Readonly<Record<Mode, string>> = {
  any: 'To any country',
  listed: 'Only to the countries listed',
  none: 'None: only numbers of the account’s own country',
};

const POLICY_FIELDS: ReadonlyMap<string, string> = new Map([
  ['premiumRate', 'Premium-rate numbers'],
  ['international.mode', 'International calls'],
]);

/**
 * The telephony settings that shape outbound calls for everyone (SPEC §5): the destination
 * policy (settings `outbound-policy`: premium-rate numbers, international calls) and the
 * account's own emergency numbers (settings `emergency-numbers`). telephonySettings.modify.
 */
export function OutboundPolicyPage() {
  useTitle('Outbound calls');
  return (
    <>
      <h1>Outbound calls</h1>
      <p className="lead">
        Rules for everyone’s outgoing calls, account administrators included: stolen credentials are
        how toll fraud happens, so an administrator changes the policy here rather than going around
        it. Emergency numbers are always allowed, whatever this page says.
      </p>
      <SettingsCard
        section="outbound-policy"
        title="Destination policy"
        savedNotice="Saved. It applies from the next call."
        describe={describePolicy}
        placeOf={(path, sent) => {
          const at = /^international\.countries\.(\d+)/.exec(path);
          if (at !== null)
            return itemPlace('Country', Number(at[1]), sent.international.countries[Number(at[1])]);
          return POLICY_FIELDS.get(path);
        }}
      >
        {(props) => <PolicyEditor {...props} />}
      </SettingsCard>
      <SettingsCard
        section="emergency-numbers"
        title="Emergency numbers"
        intro={
          <p className="muted">
            The emergency numbers of the account’s country and of each line’s country are known
            already (from Google’s phone-number metadata). Add numbers of your own — a site security
            desk, a plant’s fire brigade: anyone may call them, nothing can refuse them, and every
            call is recorded in the audit log.
          </p>
        }
        describe={(before, after) =>
          listChanges(
            before.numbers,
            after.numbers,
            (n) => n,
            (n) => n,
            {
              added: (n) => `Anyone may always call ${n}, and each call is audited.`,
              removed: (n) => `${n} is no longer treated as an emergency number.`,
            },
          )
        }
        placeOf={numberPlace}
      >
        {({ saved, set, problems }) => (
          <NumberList
            saved={saved.numbers}
            onNumbers={(numbers) => set({ numbers })}
            problems={problems}
            caption="The company’s own emergency numbers"
            addLabel="Add an emergency number"
            hint="A phone number, or a short number of 2 to 8 digits dialled as it is."
          />
        )}
      </SettingsCard>
    </>
  );
}

function PolicyEditor({ value, saved, set }: EditorProps<DestinationPolicy>) {
  const id = useId();
  // The countries as written; the draft holds them read ("gb, de" → ["GB", "DE"]).
  const [countries, setCountries] = useState(saved.international.countries.join(', '));
  const mode = value.international.mode;
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-premium`}>Premium-rate numbers</label>
        <select
          id={`${id}-premium`}
          value={value.premiumRate}
          onChange={(e) =>
            set({ ...value, premiumRate: e.target.value as DestinationPolicy['premiumRate'] })
          }
        >
          <option value="block">Blocked for everyone (recommended)</option>
          <option value="allow">Allowed (each caller’s access level still applies)</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-mode`}>International calls</label>
        <select
          id={`${id}-mode`}
          value={mode}
          onChange={(e) =>
            set({
              ...value,
              international: { ...value.international, mode: e.target.value as Mode },
            })
          }
        >
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
            onChange={(e) => {
              setCountries(e.target.value);
              set({ ...value, international: { mode, countries: countriesOf(e.target.value) } });
            }}
          />
          <p className="hint" id={`${id}-countries-hint`}>
            Two-letter country codes (ISO 3166), separated by commas. A number is international when
            its country, as the phone-number metadata places it, is not the account’s.
          </p>
        </div>
      )}
    </>
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
