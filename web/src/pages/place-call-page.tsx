import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { ErrorAlert, Notice } from '../components/alert';
import { useDebounced, useTitle } from '../hooks';
import { levelIn, levelLabel } from '../permissions';
import { useSession } from '../session';
import type { CheckAnswer, OutboundAnswer, OutboundRule } from '../types';

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
  | { readonly status: 'answered'; readonly number: string; readonly answer: CheckAnswer }
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
  const [placed, setPlaced] = useState<OutboundAnswer | null>(null);
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
      .post<CheckAnswer>(
        '/permissions/check',
        { permission: 'outboundCall.perform', phoneNumber: settled.slice(0, 40) },
        { signal: controller.signal },
      )
      .then(
        (answer) => {
          if (!controller.signal.aborted)
            setVerdict({ status: 'answered', number: settled, answer });
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
  const mayDial = current?.allowed === true && !calling;

  const dial = async (event: FormEvent) => {
    event.preventDefault();
    if (!mayDial) return;
    setCalling(true);
    setCallError(null);
    setPlaced(null);
    try {
      setPlaced(await api.post<OutboundAnswer>('/calls/outbound', { to: number.trim() }));
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
        You may call: <strong>{levelLabel('outboundCall.perform', level)}</strong>. Emergency
        numbers and internal extensions are always allowed; blocked numbers never are.
      </p>
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
          {current !== null && <VerdictText answer={current} />}
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
          Calling {placed.to} ({CLASSIFICATION_TEXT[placed.classification] ?? placed.classification}
          ). Call id <code>{placed.callId}</code>.
        </Notice>
      )}
      {callError !== null && <ErrorAlert error={callError} title="The call was not placed." />}
    </>
  );
}

function VerdictText({ answer }: { readonly answer: CheckAnswer }) {
  const kind =
    answer.classification === undefined
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
      <p className="verdict-detail">{answer.detail}</p>
    </div>
  );
}
