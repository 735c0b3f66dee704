import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COMPANY, assign, policyFor, role } from '../../test/fixtures.js';
import { decide } from './decide.js';
import { explain } from './explain.js';
import { isEmergencyCall, mayUseLine } from './outbound-decision.js';
import type { Explanation, Question } from './question.js';
import { DEFAULT_ROLES } from './defaults.js';
import { emergencyNumberPatternFor, isEmergencyNumberIn, readDialString } from './dial-string.js';
import {
  DEFAULT_DESTINATION_POLICY,
  DIALLED_CACHE_SIZE,
  type DestinationPolicy,
  EMPTY_OUTBOUND_SOURCE,
  type OutboundSource,
} from './outbound.js';
import type { CountryCode } from './phone-number.js';

/**
 * SPEC §5, the outbound rules in their order, as decision tables: each row is a caller, a
 * dialled text (and a line), and the rule that must decide. decide and explain must agree
 * on every row (STYLE rule 14: one evaluator).
 */

const ask = (userId: string, phoneNumber: string, line?: string): Question => ({
  userId,
  permission: 'outboundCall.perform',
  phoneNumber,
  ...(line !== undefined && { line }),
});

/** explain, checked against decide: the same answer by the same path. */
function answer(policy: ReturnType<typeof policyFor>, question: Question): Explanation {
  const explained = explain(policy, question);
  const decided = decide(policy, question);
  assert.equal(decided.allowed, explained.allowed, 'decide and explain agree');
  assert.equal(decided.level, explained.level, 'decide and explain agree on the level');
  return explained;
}

const LINES = {
  open: '+16285550140', // everyone
  sales: '+16285550141', // u4 and department 4 (Support) only
  london: '+442071234567', // administrators only; a GB line of a US account
  notRented: '+16285550199',
} as const;

function outbound(overrides: Partial<OutboundSource> = {}): OutboundSource {
  return {
    ...EMPTY_OUTBOUND_SOURCE,
    emergencyNumbers: ['+14155550911', '311'],
    lines: [
      { number: LINES.open, country: 'US', accessCodes: [] },
      { number: LINES.sales, country: 'US', accessCodes: ['user:u4', 'department:4'] },
      { number: LINES.london, country: 'GB', accessCodes: ['admins'] },
    ],
    ...overrides,
  };
}

const ROLES = [...DEFAULT_ROLES, role('no-calls', { 'outboundCall.perform': 'none' })];
const ASSIGNMENTS = [
  assign('administrator', 'admins'),
  assign('manager', 'departmentTree:1'),
  assign('no-calls', 'user:u3'),
];

describe('SPEC §5 rule 1: emergency numbers, by the metadata of the account’s country', () => {
  // Each country's own numbers, as Google's short-number metadata has them.
  const table: [country: CountryCode, numbers: string[], notEmergency: string[]][] = [
    ['US', ['911', '112'], ['999', '9110']],
    ['GB', ['999', '112'], ['911']],
    ['DE', ['110', '112'], ['911']],
    ['FR', ['15', '17', '18', '112'], ['911']],
    ['AU', ['000', '112'], ['911']],
    ['JP', ['110', '119'], ['911']],
    ['IN', ['100', '112'], ['911']],
  ];
  // Every kind of caller: any level, none, no role at all, inactive, nobody at all.
  const callers = ['u2', 'u3', 'u9', 'u8', 'ghost'];
  for (const [country, numbers, notEmergency] of table) {
    const policy = policyFor({ roles: ROLES, assignments: ASSIGNMENTS, defaultCountry: country });
    for (const number of numbers) {
      test(`${country}: ${number} is allowed to ${callers.join(', ')}`, () => {
        for (const caller of callers) {
          const explained = answer(policy, ask(caller, number));
          assert.equal(explained.allowed, true, caller);
          assert.equal(explained.rule, 'emergencyNumber');
          assert.equal(explained.classification, 'emergency');
          assert.deepEqual(explained.reasons, [{ rule: 'emergencyNumber', region: country }]);
          assert.equal(explained.destination, number);
        }
      });
    }
    test(`${country}: ${notEmergency.join(', ')} are no emergency numbers there`, () => {
      for (const number of notEmergency) {
        assert.notEqual(answer(policy, ask('u2', number)).rule, 'emergencyNumber', number);
      }
    });
    test(`${country}: the exported pattern is the metadata's and matches its example`, () => {
      const pattern = emergencyNumberPatternFor(country)!;
      assert.equal(pattern.region, country);
      const posix = new RegExp(pattern.posixPattern);
      for (const number of numbers) assert.match(number, posix);
      for (const number of notEmergency) assert.doesNotMatch(number, posix);
      assert.ok(pattern.example !== null && isEmergencyNumberIn(pattern.example, country));
      // Every three-digit string: the pattern and the metadata's own test agree.
      for (let n = 0; n < 1000; n++) {
        const digits = String(n).padStart(3, '0');
        assert.equal(posix.test(digits), isEmergencyNumberIn(digits, country), digits);
      }
    });
  }
  test('formatting is read away, but nothing may follow the number', () => {
    const policy = policyFor();
    assert.equal(answer(policy, ask('u2', ' 9-1-1 ')).rule, 'emergencyNumber');
    assert.equal(answer(policy, ask('u2', '(911)')).rule, 'emergencyNumber');
    for (const text of ['911,1234', '911#', '911x2', '+1911']) {
      assert.equal(answer(policy, ask('u2', text)).allowed, false, text);
    }
  });
  test('an unknown region has no pattern', () => {
    assert.equal(emergencyNumberPatternFor('XX'), undefined);
  });
});

describe('SPEC §5 rules 1–6 in order: the first rule that decides wins', () => {
  const blocked = { ...COMPANY, blockedNumbers: ['+19005550000', '+14155550911'] };
  const policy = policyFor({
    directory: blocked,
    roles: ROLES,
    assignments: ASSIGNMENTS,
    outbound: outbound({
      destinationPolicy: {
        premiumRate: 'block',
        international: { mode: 'listed', countries: ['GB'] },
      },
      callerIds: new Map([['u7', LINES.sales]]),
    }),
  });
  type Row = [
    caller: string,
    dialled: string,
    line: string | undefined,
    rule: string,
    allowed: boolean,
  ];
  const table: Row[] = [
    // 1. Emergency numbers beat everything below, for anyone.
    ['u7', '911', LINES.sales, 'emergencyNumber', true], // beats line access
    ['u7', '+14155550911', undefined, 'emergencyNumber', true], // the account's list beats the blocked list
    ['u9', '311', undefined, 'emergencyNumber', true], // a short number on the account's list, no role
    ['u8', '911', undefined, 'emergencyNumber', true], // inactive
    ['ghost', '112', undefined, 'emergencyNumber', true], // nobody
    ['u7', '999', LINES.london, 'emergencyNumber', true], // the line's country (GB) counts too
    ['u7', '999', undefined, 'invalidNumber', false], // …and only the line's
    // Then the caller: nobody and inactive users may call nothing else.
    ['ghost', '104', undefined, 'unknownUser', false],
    ['u8', '104', undefined, 'inactiveUser', false],
    // 2. Internal calls beat line access and need no level.
    ['u9', '104', LINES.sales, 'internalCall', true],
    // Text that is no number, or carries a post-dial part.
    ['u2', '+14155550150,,,1900', undefined, 'invalidNumber', false],
    // 3. The blocked list beats the destination policy (+1 900 is premium rate too).
    ['u0', '+19005550000', undefined, 'blockedNumber', false],
    // 4. The destination policy, administrators included, beats line access.
    ['u0', '+19005551234', undefined, 'destinationPolicy', false], // premium rate
    ['u0', '+33142685300', undefined, 'destinationPolicy', false], // France is not listed
    ['u7', '+18762345678', LINES.sales, 'destinationPolicy', false], // Jamaica (+1) is abroad
    ['u2', '+442079460000', undefined, 'level', true], // GB is listed
    // 5. Line access: asked, else the caller ID, else the default; administrators always may.
    ['u7', '+14155550199', LINES.sales, 'lineAccess', false],
    ['u7', '+14155550199', undefined, 'lineAccess', false], // u7's caller ID is the sales line
    ['u7', '+14155550199', LINES.open, 'level', true],
    ['u4', '+14155550199', LINES.sales, 'level', true], // named by user:u4
    ['u6', '+14155550199', LINES.sales, 'level', true], // a member of department 4
    ['u5', '+14155550199', LINES.sales, 'level', true], // department 4's head
    ['u0', '+14155550199', LINES.london, 'level', true], // an administrator
    ['u2', '+14155550199', LINES.london, 'lineAccess', false],
    ['u2', '+14155550199', LINES.notRented, 'lineAccess', false], // not a line of the account
    ['u0', '+14155550199', LINES.notRented, 'level', true],
    // 6. The level decides what is left.
    ['u9', '+14155550199', LINES.open, 'level', false], // no role, an open line
    ['u9', '+14155550199', undefined, 'level', false], // no role
  ];
  for (const [caller, dialled, line, rule, allowed] of table) {
    test(`${caller} dials ${dialled}${line ? ` from ${line}` : ''}: ${rule}, ${allowed ? 'allowed' : 'refused'}`, () => {
      const explained = answer(policy, ask(caller, dialled, line));
      assert.equal(explained.rule, rule);
      assert.equal(explained.allowed, allowed);
      assert.ok(explained.detail.length > 0);
      // The rule that decided is among the reasons, with its parameters (level: the roles).
      if (rule !== 'level' && rule !== 'inactiveUser' && rule !== 'unknownUser') {
        assert.ok(
          explained.reasons.some((reason) => 'rule' in reason && reason.rule === rule),
          JSON.stringify(explained.reasons),
        );
      }
    });
  }
  test('reasons carry the rule’s parameters', () => {
    assert.deepEqual(answer(policy, ask('u0', '+33142685300')).reasons.at(-1), {
      rule: 'destinationPolicy',
      setting: 'international',
      mode: 'listed',
      region: 'FR',
    });
    assert.deepEqual(answer(policy, ask('u0', '+19005551234')).reasons.at(-1), {
      rule: 'destinationPolicy',
      setting: 'premiumRate',
    });
    assert.deepEqual(answer(policy, ask('u2', '+14155550199', LINES.london)).reasons.at(-1), {
      rule: 'lineAccess',
      line: LINES.london,
      rented: true,
    });
    assert.deepEqual(answer(policy, ask('u2', '+14155550199', LINES.notRented)).reasons.at(-1), {
      rule: 'lineAccess',
      line: LINES.notRented,
      rented: false,
    });
    assert.deepEqual(answer(policy, ask('u7', '+14155550911')).reasons, [
      { rule: 'emergencyNumber', accountList: true },
    ]);
    assert.equal(answer(policy, ask('u7', '+14155550199')).line, LINES.sales);
  });
});

describe('SPEC §5 rule 4: the destination policy', () => {
  const policyWith = (destinationPolicy: DestinationPolicy) =>
    policyFor({ outbound: { ...EMPTY_OUTBOUND_SOURCE, destinationPolicy } });
  const table: [setting: string, policy: DestinationPolicy, dialled: string, allowed: boolean][] = [
    ['the default blocks premium rate', DEFAULT_DESTINATION_POLICY, '+19005551234', false],
    ['the default allows any country', DEFAULT_DESTINATION_POLICY, '+33142685300', true],
    [
      'premium rate allowed',
      { ...DEFAULT_DESTINATION_POLICY, premiumRate: 'allow' },
      '+19005551234',
      true,
    ],
    [
      'no international calls: the own country still may',
      { premiumRate: 'block', international: { mode: 'none', countries: [] } },
      '+14155550199',
      true,
    ],
    [
      'no international calls',
      { premiumRate: 'block', international: { mode: 'none', countries: ['GB'] } },
      '+442079460000',
      false,
    ],
    [
      'listed countries: a listed one',
      { premiumRate: 'block', international: { mode: 'listed', countries: ['GB', 'FR'] } },
      '+33142685300',
      true,
    ],
    [
      'listed countries: a premium-rate number of a listed country is still premium rate',
      { premiumRate: 'block', international: { mode: 'listed', countries: ['GB'] } },
      '+449098790000',
      false,
    ],
  ];
  for (const [name, destinationPolicy, dialled, allowed] of table) {
    test(`${name}: ${dialled} ${allowed ? 'allowed' : 'refused'}, administrators alike`, () => {
      const policy = policyWith(destinationPolicy);
      for (const caller of ['u0', 'u2']) {
        const explained = answer(policy, ask(caller, dialled));
        assert.equal(explained.allowed, allowed, caller);
        assert.equal(explained.rule, allowed ? 'level' : 'destinationPolicy');
      }
    });
  }
});

describe('SPEC §5 rule 5: line access', () => {
  const policy = policyFor({
    outbound: outbound({ defaultLine: LINES.sales, callerIds: new Map([['u2', LINES.open]]) }),
  });
  test('the account’s default caller ID is the line of callers without their own', () => {
    assert.equal(answer(policy, ask('u7', '+14155550199')).rule, 'lineAccess');
    assert.equal(answer(policy, ask('u4', '+14155550199')).allowed, true);
    assert.equal(answer(policy, ask('u2', '+14155550199')).line, LINES.open);
  });
  test('mayUseLine: what a caller-ID setting may name', () => {
    assert.equal(mayUseLine(policy, 'u4', LINES.sales), true);
    assert.equal(mayUseLine(policy, 'u7', LINES.sales), false);
    assert.equal(mayUseLine(policy, 'u0', LINES.london), true);
    assert.equal(mayUseLine(policy, 'u7', LINES.open), true);
    assert.equal(mayUseLine(policy, 'u7', LINES.notRented), false);
    assert.equal(mayUseLine(policy, 'ghost', LINES.open), false);
  });
  test('group codes count on the on-premise edition only', () => {
    const lines = [{ number: LINES.sales, country: 'US', accessCodes: ['group:g1'] }];
    const directory = {
      ...COMPANY,
      userGroups: [{ id: 'g1', name: 'Night shift', memberIds: ['u7'] }],
    };
    const onPremise = policyFor({
      directory,
      edition: 'on-premise',
      outbound: { ...EMPTY_OUTBOUND_SOURCE, lines },
    });
    assert.equal(answer(onPremise, ask('u7', '+14155550199', LINES.sales)).allowed, true);
  });
});

describe('SPEC §5 rule 1, for a rate limiter: isEmergencyCall', () => {
  const policy = policyFor({ outbound: outbound({ callerIds: new Map([['u7', LINES.london]]) }) });
  test('by the account’s country, its list, the line asked, the caller’s line', () => {
    assert.equal(isEmergencyCall(policy, '911'), true);
    assert.equal(isEmergencyCall(policy, '311'), true);
    assert.equal(isEmergencyCall(policy, '999'), false);
    assert.equal(isEmergencyCall(policy, '999', { line: LINES.london }), true);
    assert.equal(isEmergencyCall(policy, '999', { userId: 'u7' }), true);
    assert.equal(isEmergencyCall(policy, '+14155550199'), false);
  });
});

describe('issue 10 item 9: dial strings are read once, whole', () => {
  const policy = policyFor({
    roles: [...DEFAULT_ROLES, role('crm-only', { 'outboundCall.perform': 'crmClients' })],
    assignments: [assign('administrator', 'admins'), assign('crm-only', 'user:u4')],
  });
  // +1 415 555 0101 is u4's CRM client: a suffix must not borrow its class.
  const suffixed = [
    '+14155550101,,,1900',
    '+14155550101 ext 1900',
    '+14155550101;ext=1900',
    '+14155550101x1900',
    '+14155550101#1900',
    '+14155550101 p 1900',
    '+14155550101w1900',
    '4155550101,1900',
  ];
  for (const text of suffixed) {
    test(`${JSON.stringify(text)} is refused as a post-dial string`, () => {
      const explained = answer(policy, ask('u4', text));
      assert.equal(explained.allowed, false);
      assert.equal(explained.classification, 'invalid');
      assert.deepEqual(explained.reasons.at(-1), { rule: 'invalidNumber', postDial: true });
      assert.equal(readDialString(text, 'US').problem, 'postDial');
    });
  }
  test('the base number alone is the CRM client', () => {
    assert.equal(answer(policy, ask('u4', '+1 (415) 555-0101')).allowed, true);
  });
});

describe('the classification cache (issue 11, 6b)', () => {
  test('is bounded, and answers the same after forgetting', () => {
    const policy = policyFor();
    const first = explain(policy, ask('u2', '+14155550101'));
    assert.ok(policy.outbound.bound >= 256 && policy.outbound.bound <= DIALLED_CACHE_SIZE);
    for (let i = 0; i < policy.outbound.bound + 10; i++) {
      decide(policy, ask('u2', `+1415556${String(i).padStart(4, '0')}`));
    }
    assert.deepEqual(explain(policy, ask('u2', '+14155550101')), first);
  });
  test('belongs to one compiled policy: a new emergency list is seen at once', () => {
    assert.equal(isEmergencyCall(policyFor(), '+14155550911'), false);
    assert.equal(isEmergencyCall(policyFor({ outbound: outbound() }), '+14155550911'), true);
  });
});
