import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { api } from '../api';
import { ErrorAlert, Loading, Notice } from '../components/alert';
import { useDebounced, useLoad, useTitle } from '../hooks';
import { levelIn, yourLevelLabel } from '../permissions';
import { wordCheck } from '../reasons';
import { useSession } from '../session';
import type { CheckAnswer, OutboundAnswer, OutboundRule } from '../types';

/** A CRM client of the phone book (GET /crm-clients/search): one the caller may read. */
interface CrmClient {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly phones: readonly string[];
}

/** A colleague found by name (GET /directory/search), with the extension to dial. */
interface Colleague {
  readonly id: string;
  readonly name: string;
  readonly active?: boolean;
  readonly extension?: string | null;
}

/** The check's answer with the number as the server normalised it (E.164). */
type DialCheck = CheckAnswer & { readonly destination?: string };

const CRM_TYPE_TEXT: Readonly<Record<string, string>> = {
  contact: 'Contact',
  company: 'Company',
  lead: 'Lead',
};

/** The CRM client the caller may read whose number this is (E.164), or null. */
async function clientOf(number: string, signal: AbortSignal): Promise<CrmClient | null> {
  const found = await api.get<{ items: CrmClient[] }>('/crm-clients/search', {
    query: { q: number, limit: 50 },
    signal,
  });
  return found.items.find((client) => client.phones.includes(number)) ?? null;
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;
const LETTERS: Readonly<Record<string, string>> = {
  '2': 'ABC',
  '3': 'DEF',
  '4': 'GHI',
  '5': 'JKL',
  '6': 'MNO',
  '7': 'PQRS',
  '8': 'TUV',
  '9': 'WXYZ',
  '0': '+',
};

/** What each destination class means, in the words a caller understands (SPEC §5). */
export const CLASSIFICATION_TEXT: Readonly<Record<string, string>> = {
  emergency: 'Emergency number',
  internal: 'Internal extension',
  employee: 'Employee',
  crmClient: 'CRM client',
  other: 'Other number (not a CRM client or an employee)',
  blocked: 'Blocked number',
  invalid: 'Not a phone number',
};

/** The rule that decided, in the caller's words (SPEC §5). */
const RULE_TEXT: Readonly<Record<OutboundRule, string>> = {
  emergencyNumber: 'Emergency number: always allowed',
  unknownUser: 'Unknown caller',
  inactiveUser: 'Inactive user',
  internalCall: 'Internal call',
  invalidNumber: 'Not a number you can dial as written',
  blockedNumber: 'On the blocked numbers list',
  destinationPolicy: 'The company’s destination policy',
  lineAccess: 'You may not call out from this line',
  level: 'Your access level',
};

type Verdict =
  | { readonly status: 'idle' }
  | { readonly status: 'checking' }
  | {
      readonly status: 'answered';
      readonly number: string;
      readonly answer: DialCheck;
      /** The CRM client dialled, named (null when the number is no client's). */
      readonly client: CrmClient | null;
    }
  | { readonly status: 'error'; readonly error: unknown };

/**
 * Place a call: a number field and a dial pad. While the number is typed, the server is
 * asked whether this user may call it (POST /permissions/check), so the answer and its
 * reason are on screen before anyone dials.
 */
export function PlaceCallPage() {
  useTitle('Place a call');
  const { me } = useSession();
  const [number, setNumber] = useState('');
  const [verdict, setVerdict] = useState<Verdict>({ status: 'idle' });
  const [placed, setPlaced] = useState<PlacedCall | null>(null);
  const [callError, setCallError] = useState<unknown>(null);
  const [calling, setCalling] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const settled = useDebounced(number.trim(), 300);
  const level = levelIn(me.permissions, 'outboundCall.perform');

  useEffect(() => {
    if (settled === '') {
      setVerdict({ status: 'idle' });
      return;
    }
    const controller = new AbortController();
    setVerdict({ status: 'checking' });
    api
      .post<DialCheck>(
        '/permissions/check',
        { permission: 'outboundCall.perform', phoneNumber: settled.slice(0, 40) },
        { signal: controller.signal },
      )
      .then(async (answer) => {
        // A CRM client is named, not just classed: the phone book knows whose number it is.
        const client =
          answer.classification === 'crmClient' && answer.destination !== undefined
            ? await clientOf(answer.destination, controller.signal).catch(() => null)
            : null;
        return { answer, client };
      })
      .then(
        ({ answer, client }) => {
          if (!controller.signal.aborted)
            setVerdict({ status: 'answered', number: settled, answer, client });
        },
        (error: unknown) => {
          if (!controller.signal.aborted) setVerdict({ status: 'error', error });
        },
      );
    return () => controller.abort();
  }, [settled]);

  const press = (key: string) => {
    setNumber((current) => current + key);
    setPlaced(null);
    setCallError(null);
    input.current?.focus();
  };

  const current =
    verdict.status === 'answered' && verdict.number === number.trim() ? verdict.answer : null;
  const currentClient = verdict.status === 'answered' && current !== null ? verdict.client : null;
  const mayDial = current?.allowed === true && !calling;

  const dial = async (event: FormEvent) => {
    event.preventDefault();
    if (!mayDial) return;
    setCalling(true);
    setCallError(null);
    setPlaced(null);
    try {
      setPlaced(await api.post<PlacedCall>('/calls/outbound', { to: number.trim() }));
    } catch (error) {
      setCallError(error);
    } finally {
      setCalling(false);
    }
  };

  return (
    <>
      <h1>Place a call</h1>
      <p className="lead">
        You may call: <strong>{yourLevelLabel('outboundCall.perform', level).toLowerCase()}</strong>
        . Emergency numbers and internal extensions are always allowed; blocked numbers never are.
      </p>
      <PhoneBook
        onPick={(picked) => {
          setNumber(picked);
          setPlaced(null);
          setCallError(null);
          input.current?.focus();
        }}
      />
      <form className="dialer card" onSubmit={(e) => void dial(e)}>
        <div className="field">
          <label htmlFor="dial-number">Number to call</label>
          <input
            id="dial-number"
            ref={input}
            type="tel"
            inputMode="tel"
            autoComplete="off"
            maxLength={40}
            placeholder="+1 415 555 0150 or an extension"
            value={number}
            aria-describedby="dial-verdict"
            onChange={(e) => {
              setNumber(e.target.value);
              setPlaced(null);
              setCallError(null);
            }}
          />
        </div>
        <div className="dial-pad" role="group" aria-label="Dial pad">
          {KEYS.map((key) => (
            <button key={key} type="button" className="dial-key" onClick={() => press(key)}>
              {/* Named "Key 2" in words the key shows: a label that hid the digit would not be. */}
              <span className="visually-hidden">Key </span>
              <span className="dial-digit">{key}</span>
              <span className="dial-letters" aria-hidden="true">
                {LETTERS[key] ?? '\u00a0'}
              </span>
            </button>
          ))}
        </div>
        <div className="dial-actions">
          <button
            type="button"
            className="button-secondary"
            disabled={number === ''}
            onClick={() => setNumber((n) => n.slice(0, -1))}
          >
            Delete last digit
          </button>
          <button type="submit" className="button-primary button-call" disabled={!mayDial}>
            {calling ? 'Calling…' : 'Call'}
          </button>
        </div>
        <div id="dial-verdict" className="verdict" role="status" aria-live="polite">
          {verdict.status === 'idle' && (
            <span className="muted">Type a number to see whether you may call it.</span>
          )}
          {(verdict.status === 'checking' ||
            (verdict.status === 'answered' && current === null)) && (
            <span className="muted">Checking…</span>
          )}
          {current !== null && <VerdictText answer={current} client={currentClient} />}
        </div>
        {verdict.status === 'error' && (
          <ErrorAlert error={verdict.error} title="The number could not be checked." />
        )}
      </form>
      {placed !== null && placed.rule === 'emergencyNumber' && (
        <Notice tone="warning">
          <strong>Emergency call to {placed.to}.</strong> It is recorded in the audit log, and the
          account’s administrators see it there at once. Call id <code>{placed.callId}</code>.
        </Notice>
      )}
      {placed !== null && placed.rule !== 'emergencyNumber' && (
        <Notice tone="success">
          Calling {placed.to} (
          {placed.crmClient !== undefined
            ? `${placed.crmClient.name}, CRM client`
            : (CLASSIFICATION_TEXT[placed.classification] ?? placed.classification)}
          ). Call id <code>{placed.callId}</code>.
        </Notice>
      )}
      {callError !== null && <ErrorAlert error={callError} title="The call was not placed." />}
    </>
  );
}

/** A placed call, with the CRM client it is linked to when it went to one. */
type PlacedCall = OutboundAnswer & {
  readonly crmClient?: { readonly type: string; readonly id: string; readonly name: string };
};

function VerdictText({
  answer,
  client,
}: {
  readonly answer: CheckAnswer;
  readonly client: CrmClient | null;
}) {
  const { me, directory } = useSession();
  const kind =
    client !== null
      ? `${client.name} (CRM client, ${(CRM_TYPE_TEXT[client.type] ?? client.type).toLowerCase()})`
      : answer.classification === undefined
        ? ''
        : (CLASSIFICATION_TEXT[answer.classification] ?? answer.classification);
  return (
    <div
      className={answer.allowed ? 'verdict-allowed' : 'verdict-denied'}
      data-classification={answer.classification}
    >
      <strong>{answer.allowed ? 'Allowed' : 'Not allowed'}</strong>
      {kind !== '' && <span> · {kind}</span>}
      {answer.rule !== undefined && answer.rule !== 'level' && (
        <span className="verdict-rule"> · {RULE_TEXT[answer.rule]}</span>
      )}
      {answer.rule === 'emergencyNumber' && (
        <p className="verdict-emergency">
          Emergency numbers are always allowed, to everyone. The call is recorded in the audit log
          for the account’s administrators.
        </p>
      )}
      <p className="verdict-detail">
        {wordCheck(answer, 'outboundCall.perform', { directory, readerId: me.user.id })}
      </p>
    </div>
  );
}

/**
 * The dial pad's phone book: the CRM clients you may read (SPEC §6) and colleagues, found
 * by name or number as you type; choosing one puts its number in the dial field.
 */
function PhoneBook({ onPick }: { readonly onPick: (number: string) => void }) {
  const id = useId();
  const [text, setText] = useState('');
  const query = useDebounced(text.trim(), 250);
  const found = useLoad(
    async (signal) => {
      if (query === '') return null;
      const [clients, colleagues] = await Promise.all([
        api.get<{ items: CrmClient[] }>('/crm-clients/search', {
          query: { q: query, limit: 10 },
          signal,
        }),
        api.get<{ items: Colleague[] }>('/directory/search', {
          query: { q: query, kind: 'user', limit: 10 },
          signal,
        }),
      ]);
      return {
        clients: clients.items,
        colleagues: colleagues.items.filter((c) => c.active !== false),
      };
    },
    [query],
  );
  const results = query === '' ? null : found.data;
  return (
    <section className="card phone-book" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Phone book</h2>
      <div className="field">
        <label htmlFor={`${id}-search`}>Find a client or colleague</label>
        <input
          id={`${id}-search`}
          type="search"
          autoComplete="off"
          maxLength={100}
          placeholder="A name or the start of a number"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      {query !== '' && found.status === 'loading' && found.data === undefined && (
        <Loading label="Searching…" />
      )}
      {found.status === 'error' && <ErrorAlert error={found.error} />}
      {results !== undefined && results !== null && (
        <div aria-live="polite">
          {results.clients.length === 0 && results.colleagues.length === 0 && (
            <p className="empty">Nobody you may call matches “{query}”.</p>
          )}
          {results.clients.length > 0 && (
            <>
              <h3>CRM clients</h3>
              <ul className="phone-book-list" aria-label="CRM clients">
                {results.clients.map((client) => (
                  <li key={`${client.type}/${client.id}`}>
                    <span>
                      {client.name}{' '}
                      <span className="muted">({CRM_TYPE_TEXT[client.type] ?? client.type})</span>
                    </span>
                    {client.phones.map((phone) => (
                      <button
                        key={phone}
                        type="button"
                        className="button-secondary button-small"
                        aria-label={`Dial ${client.name} at ${phone}`}
                        onClick={() => onPick(phone)}
                      >
                        {phone}
                      </button>
                    ))}
                  </li>
                ))}
              </ul>
            </>
          )}
          {results.colleagues.length > 0 && (
            <>
              <h3>Colleagues</h3>
              <ul className="phone-book-list" aria-label="Colleagues">
                {results.colleagues.map((colleague) => (
                  <li key={colleague.id}>
                    <span>{colleague.name}</span>
                    {colleague.extension ? (
                      <button
                        type="button"
                        className="button-secondary button-small"
                        // The visible words are part of the name, for those who speak
                        // to their screen reader what they see (WCAG 2.5.3).
                        aria-label={`Dial ${colleague.name}, extension ${colleague.extension}`}
                        onClick={() => onPick(colleague.extension!)}
                      >
                        Extension {colleague.extension}
                      </button>
                    ) : (
                      <span className="muted">No extension</span>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}
