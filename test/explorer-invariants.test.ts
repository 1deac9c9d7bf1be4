// The explorer's invariants (scripts/explorer/invariants.ts, docs/explorer.md) against small
// hand-made histories: a consistent one of three calls breaks none, and each mutation breaks
// the one invariant (or clause) it aims at, about the right call. So no invariant can pass
// for want of anything to look at, and each exemption the flow needs is shown to hold.
import t, { type Test } from 'tap';
import type { CallerTrace, CallRow, ExplorerHistory, LegTrace, SeatCheck } from '../scripts/explorer/history.js';
import * as invariants from '../scripts/explorer/invariants.js';
import { checkAll, ENDED_WHILE_CONTROLLER_DOWN, INVARIANTS } from '../scripts/explorer/invariants.js';

const ANSWERED = 'c0a0a0a0-0000-4000-8000-000000000000';
const ABANDONED = 'c1b1b1b1-0000-4000-8000-000000000001';
const TRANSFERRED = 'c2c2c2c2-0000-4000-8000-000000000002';

const caller = (index: number, uuid: string, more: Partial<CallerTrace>): CallerTrace => ({
  index,
  uuid,
  placedAt: 0,
  callerLeft: false,
  reachedController: true,
  answered: true,
  bridgedWith: [],
  fallback: false,
  ...more,
});

const leg = (uuid: string, seat: string | null, callerUuid: string | null, more: Partial<LegTrace>): LegTrace => ({
  uuid,
  name: seat ? `sofia/internal/${seat}@cti.local` : 'sofia/gateway/telecom-trunk/95598',
  seat,
  callerUuid,
  createdAt: 0,
  ...more,
});

const row = (id: string, more: Partial<CallRow>): CallRow => ({
  id,
  mode: 'main',
  line: '1',
  outcome: null,
  agent_id: null,
  answered_us: null,
  agent_answered_us: null,
  ended_us: null,
  hangup_cause: 'NORMAL_CLEARING',
  survey_score: null,
  ...more,
});

const check = (at: number, seat: string, acdState: string, acdCall: string | null, switchLegs: SeatCheck['switchLegs'] = []): SeatCheck => ({
  at,
  seat,
  acdState,
  acdCall,
  switchLegs,
});

/**
 * Seats 1001 and 1002 (on break throughout). Call 1 (enterprise line) is offered to 1001,
 * which declines; call 0 is offered to 1001, which answers, tries a blind transfer to 12315
 * that rings out (and one to 12319 refused for hours), hangs up, and the survey ends the call;
 * call 1's caller gives up waiting; call 2 dials a parallel hotline in hours and its
 * department answers, the end of that talk ends the call. Times in ms.
 */
function goodHistory(): ExplorerHistory {
  return {
    callers: [
      caller(0, ANSWERED, { placedAt: 1000, answeredUs: 1_100_000, bridgedWith: ['leg-1001'], hungUpAt: 70_000, hangupCause: 'NORMAL_CLEARING' }),
      caller(1, ABANDONED, { placedAt: 500, answeredUs: 600_000, callerLeft: true, hungUpAt: 40_000, hangupCause: 'NORMAL_CLEARING' }),
      caller(2, TRANSFERRED, { placedAt: 2000, answeredUs: 2_100_000, bridgedWith: ['leg-dept'], hungUpAt: 30_000, hangupCause: 'NORMAL_CLEARING' }),
    ],
    legs: [
      leg('leg-decline', '1001', ABANDONED, { createdAt: 3000, hungUpAt: 4000, hangupCause: 'CALL_REJECTED' }),
      leg('leg-dept', null, TRANSFERRED, { createdAt: 4000, answeredAt: 9000, hungUpAt: 29_000, hangupCause: 'NORMAL_CLEARING' }),
      leg('leg-1001', '1001', ANSWERED, { createdAt: 5000, answeredAt: 8000, hungUpAt: 60_000, hangupCause: 'NORMAL_CLEARING' }),
      leg('leg-12315', null, ANSWERED, { name: 'sofia/gateway/telecom-trunk/12315', createdAt: 20_000, hungUpAt: 50_000, hangupCause: 'NO_ANSWER' }),
    ],
    records: [
      row(ANSWERED, { outcome: 'answered', agent_id: '1001', answered_us: 1_100_000, agent_answered_us: 8_000_000, ended_us: 70_000_000, survey_score: 3 }),
      row(ABANDONED, { line: '2', outcome: 'abandoned_queue', answered_us: 600_000, ended_us: 40_000_000 }),
      row(TRANSFERRED, { mode: 'parallel', line: null, outcome: 'transferred', answered_us: 2_100_000, ended_us: 30_000_000 }),
    ],
    recordLegs: [
      { id: 'leg-decline', call_id: ABANDONED, kind: 'agent', endpoint: 'user/1001', answered_us: null, ended_us: 4_000_000, hangup_cause: 'CALL_REJECTED' },
      {
        id: 'leg-dept',
        call_id: TRANSFERRED,
        kind: 'department',
        endpoint: 'sofia/gateway/telecom-trunk/95598',
        answered_us: 9_000_000,
        ended_us: 29_000_000,
        hangup_cause: 'NORMAL_CLEARING',
      },
      {
        id: 'leg-1001',
        call_id: ANSWERED,
        kind: 'agent',
        endpoint: 'user/1001',
        answered_us: 8_000_000,
        ended_us: 60_000_000,
        hangup_cause: 'NORMAL_CLEARING',
      },
      {
        id: 'leg-12315',
        call_id: ANSWERED,
        kind: 'department',
        endpoint: 'sofia/gateway/telecom-trunk/12315',
        answered_us: null,
        ended_us: 50_000_000,
        hangup_cause: 'NO_ANSWER',
      },
    ],
    attempts: [
      { id: 1, call_id: ANSWERED, leg_id: null, hotline: '12319', kind: 'warm', answered_us: null, ended_us: null, result: 'refused' },
      { id: 2, call_id: ANSWERED, leg_id: 'leg-12315', hotline: '12315', kind: 'blind', answered_us: null, ended_us: 50_000_000, result: 'no_answer' },
    ],
    classifications: [
      { attemptId: 1, result: 'refused', at: 15_000 },
      { attemptId: 2, result: 'no_answer', at: 50_000 },
    ],
    offers: [
      {
        at: 3000,
        seat: '1001',
        callId: ABANDONED,
        eligible: [],
        priority: 5,
        enteredMs: 2500,
        seq: 1,
        queue: 'enterprise',
        seatSkills: ['citizen', 'enterprise'],
      },
      // call 1 waits ahead of call 0, but seat 1001 missed it: the explorer leaves it out of eligible
      { at: 5000, seat: '1001', callId: ANSWERED, eligible: [], priority: 5, enteredMs: 4500, seq: 2, queue: 'citizen', seatSkills: ['citizen', 'enterprise'] },
    ],
    seatChecks: [
      check(2000, '1001', 'available', null),
      check(2000, '1002', 'break', null),
      check(20_000, '1001', 'on_call', ANSWERED, [{ uuid: 'leg-1001', answered: true }]),
      check(20_000, '1002', 'break', null),
      check(65_000, '1001', 'wrap_up', null),
    ],
    channelsLeft: [],
    uncaught: [],
    errorLogs: [],
    // one controller, its inbound link open from the start
    eslLinks: [{ from: 0 }],
  };
}

/** The good history, changed. */
function mutated(change: (h: ExplorerHistory) => void): ExplorerHistory {
  const h = structuredClone(goodHistory());
  change(h);
  return h;
}

const find = <T>(list: T[], pick: (x: T) => boolean): T => {
  const found = list.find(pick);
  if (!found) throw new Error('the good history lacks what the mutation changes');
  return found;
};
const recordOf = (h: ExplorerHistory, id: string) => find(h.records, (r) => r.id === id);
const callerOf = (h: ExplorerHistory, id: string) => find(h.callers, (c) => c.uuid === id);
const legOf = (h: ExplorerHistory, id: string) => find(h.legs, (l) => l.uuid === id);

/**
 * `name` is broken about call `callIndex` (none: about no call); with `alone`, no other
 * invariant is. Returns that invariant's violations.
 */
function breaks(t: Test, h: ExplorerHistory, name: string, callIndex: number | undefined, alone = true) {
  const all = checkAll(h);
  const mine = all.filter((v) => v.invariant === name);
  t.ok(mine.length > 0, `${name} is broken`);
  t.ok(
    mine.some((v) => v.callIndex === callIndex),
    `about call ${callIndex ?? '(none)'}: ${mine.map((v) => `[${v.callIndex}] ${v.detail}`).join(' | ')}`,
  );
  if (alone)
    t.same(
      all.filter((v) => v.invariant !== name),
      [],
      `no other invariant is broken`,
    );
  for (const v of mine) t.ok(v.detail.length > 0 && !v.detail.includes('\n'), 'one line of detail');
  return mine;
}

function holds(t: Test, h: ExplorerHistory, why: string): void {
  t.same(checkAll(h), [], why);
}

t.test('the good history breaks no invariant', async (t) => {
  const h = goodHistory();
  for (const inv of INVARIANTS) t.same(inv(h), [], inv.name);
});

t.test('INVARIANTS lists all sixteen, each named as exported and described', async (t) => {
  const names = [
    'oneRecordPerCall',
    'outcomeMatchesEvents',
    'callerHungUpOnlyOnPurpose',
    'noLegLeft',
    'acdAgreesWithSwitch',
    'transferClassifiedOnce',
    'transferResultAsSwitchSaw',
    'queueOrder',
    'noUncaughtError',
    'routedAsDialled',
    'callerNotLeftAlone',
    'timesMatchSwitch',
    'callerNeverInDeadAir',
    'offeredBySkill',
    'callerHearsWhatHappens',
    'seatLegsOnRecord',
  ];
  t.same(
    INVARIANTS.map((i) => i.name),
    names,
  );
  const exported = invariants as unknown as Record<string, unknown>;
  for (const inv of INVARIANTS) {
    t.equal(exported[inv.name], inv, `${inv.name} is exported under its name`);
    t.ok(inv.description.trim().length > 20, `${inv.name} has a description`);
  }
});

t.test('an invariant that throws is reported as broken', async (t) => {
  const h = mutated((x) => (x.offers = [null as never]));
  const v = checkAll(h);
  t.same(
    v.map((x) => x.invariant),
    ['queueOrder', 'offeredBySkill'],
    'the two that read the offers',
  );
  for (const x of v) t.match(x.detail, /the check itself threw/);
});

t.test('oneRecordPerCall', async (t) => {
  t.test('a caller under control without a row', async (t) => {
    breaks(
      t,
      mutated((h) => (h.records = h.records.filter((r) => r.id !== ABANDONED))),
      'oneRecordPerCall',
      1,
    );
  });
  t.test('two rows for one caller', async (t) => {
    breaks(
      t,
      mutated((h) => h.records.push({ ...recordOf(h, TRANSFERRED) })),
      'oneRecordPerCall',
      2,
    );
  });
  t.test('a row for no caller', async (t) => {
    breaks(
      t,
      mutated((h) => h.records.push(row('c9999999-0000-4000-8000-000000000009', { outcome: 'abandoned_ivr', ended_us: 1 }))),
      'oneRecordPerCall',
      undefined,
    );
  });
  t.test('a row left without an outcome', async (t) => {
    breaks(
      t,
      mutated((h) => (recordOf(h, ABANDONED).outcome = null)),
      'oneRecordPerCall',
      1,
    );
  });
  t.test('a row with an outcome but no end', async (t) => {
    breaks(
      t,
      mutated((h) => (recordOf(h, ANSWERED).ended_us = null)),
      'oneRecordPerCall',
      0,
    );
  });
  t.test('adoption closes a call that ended unseen without an end time', async (t) => {
    holds(
      t,
      mutated((h) => Object.assign(recordOf(h, ABANDONED), { ended_us: null, hangup_cause: ENDED_WHILE_CONTROLLER_DOWN })),
      'no end time is needed',
    );
  });
  t.test('a caller the fallback alone handled needs no row', async (t) => {
    holds(
      t,
      mutated((h) =>
        h.callers.push(caller(3, 'c3d3d3d3-0000-4000-8000-000000000003', { reachedController: false, fallback: true, callerLeft: true, hungUpAt: 9000 })),
      ),
      'no row',
    );
  });
});

t.test('outcomeMatchesEvents', async (t) => {
  t.test('answered with no agent', async (t) => {
    breaks(
      t,
      mutated((h) => (recordOf(h, ANSWERED).agent_id = null)),
      'outcomeMatchesEvents',
      0,
    );
  });
  // the agent's answer time then belongs to no answered leg of that seat: timesMatchSwitch too
  const brokenBoth = (t: Test, h: ExplorerHistory) => {
    breaks(t, h, 'outcomeMatchesEvents', 0, false);
    t.same([...new Set(checkAll(h).map((v) => v.invariant))].sort(), ['outcomeMatchesEvents', 'timesMatchSwitch'], 'and only timesMatchSwitch besides');
  };
  t.test('answered by a seat the caller never talked with', async (t) => {
    brokenBoth(
      t,
      mutated((h) => (recordOf(h, ANSWERED).agent_id = '1002')),
    );
  });
  t.test("answered though the seat's leg never answered", async (t) => {
    brokenBoth(
      t,
      mutated((h) => delete legOf(h, 'leg-1001').answeredAt),
    );
  });
  t.test('a department that rang out recorded as transferred', async (t) => {
    const [v] = breaks(
      t,
      mutated((h) => {
        Object.assign(legOf(h, 'leg-dept'), { hangupCause: 'NO_ANSWER' });
        delete legOf(h, 'leg-dept').answeredAt;
        callerOf(h, TRANSFERRED).bridgedWith = [];
      }),
      'outcomeMatchesEvents',
      2,
    );
    t.match(v!.detail, /leg-dept NO_ANSWER/);
  });
  t.test("a department leg known only from the controller's call_legs row", async (t) => {
    // the caller's own bridge sets no cti_call_id: a leg never bridged has no caller in the switch
    const unlinked = (h: ExplorerHistory) => {
      legOf(h, 'leg-dept').callerUuid = null;
      callerOf(h, TRANSFERRED).bridgedWith = [];
    };
    holds(t, mutated(unlinked), 'answered, found through call_legs');
    breaks(
      t,
      mutated((h) => {
        unlinked(h);
        delete legOf(h, 'leg-dept').answeredAt;
      }),
      'outcomeMatchesEvents',
      2,
    );
  });
  t.test('abandoned though the caller talked with a seat', async (t) => {
    breaks(
      t,
      mutated((h) => {
        h.legs.push(leg('leg-1002', '1002', ABANDONED, { createdAt: 19_000, answeredAt: 20_000, hungUpAt: 30_000 }));
        h.recordLegs.push({
          id: 'leg-1002',
          call_id: ABANDONED,
          kind: 'agent',
          endpoint: 'user/1002',
          answered_us: 20_000_000,
          ended_us: 30_000_000,
          hangup_cause: 'NORMAL_CLEARING',
        });
        callerOf(h, ABANDONED).bridgedWith = ['leg-1002'];
      }),
      'outcomeMatchesEvents',
      1,
    );
  });
  t.test('abandoned though the switch, not the caller, ended it', async (t) => {
    breaks(
      t,
      mutated((h) => Object.assign(callerOf(h, ABANDONED), { callerLeft: false, hangupCause: 'CALL_REJECTED' })),
      'outcomeMatchesEvents',
      1,
      false,
    );
  });
  t.test('a call-back for a caller never answered', async (t) => {
    breaks(
      t,
      mutated((h) => {
        recordOf(h, ABANDONED).outcome = 'callback';
        callerOf(h, ABANDONED).answered = false;
      }),
      'outcomeMatchesEvents',
      1,
    );
  });
  t.test('failed, which no step writes', async (t) => {
    breaks(
      t,
      mutated((h) => (recordOf(h, ABANDONED).outcome = 'failed')),
      'outcomeMatchesEvents',
      1,
    );
  });
  t.test('an outcome that does not exist', async (t) => {
    breaks(
      t,
      mutated((h) => (recordOf(h, ABANDONED).outcome = 'lost')),
      'outcomeMatchesEvents',
      1,
    );
  });
  t.test('the fallback gave up on an adopted caller: abandoned, ended by the switch', async (t) => {
    holds(
      t,
      mutated((h) => Object.assign(callerOf(h, ABANDONED), { callerLeft: false, fallback: true, hangupCause: 'NORMAL_TEMPORARY_FAILURE' })),
      'the fallback ends calls',
    );
  });
});

t.test('callerHungUpOnlyOnPurpose', async (t) => {
  t.test('the agent declines and the caller is dropped', async (t) => {
    breaks(
      t,
      mutated((h) => Object.assign(callerOf(h, ABANDONED), { callerLeft: false, hungUpAt: 4000, hangupCause: 'CALL_REJECTED' })),
      'callerHungUpOnlyOnPurpose',
      1,
      false,
    );
  });
  t.test('a caller cut off while the agent still talks', async (t) => {
    const [v] = breaks(
      t,
      mutated((h) => (callerOf(h, ANSWERED).hungUpAt = 40_000)),
      'callerHungUpOnlyOnPurpose',
      0,
    );
    t.match(v!.detail, /leg-1001 \(seat 1001\) went on until 60000 ms/);
  });
  t.test('dropped by the switch with no outcome', async (t) => {
    breaks(
      t,
      mutated((h) => {
        callerOf(h, ANSWERED).callerLeft = false;
        recordOf(h, ANSWERED).outcome = null;
      }),
      'callerHungUpOnlyOnPurpose',
      0,
      false,
    );
  });
  t.test('hung up while no controller had it and outside any talk', async (t) => {
    breaks(
      t,
      mutated((h) => {
        Object.assign(callerOf(h, ABANDONED), { callerLeft: false, hangupCause: 'NORMAL_CLEARING' });
        Object.assign(recordOf(h, ABANDONED), { ended_us: null, hangup_cause: ENDED_WHILE_CONTROLLER_DOWN });
      }),
      'callerHungUpOnlyOnPurpose',
      1,
    );
  });
  t.test("the talk guard ends a department's talk while no controller is up", async (t) => {
    // adoption can only guess the outcome of an end it did not see: abandoned_ivr here
    holds(
      t,
      mutated((h) => Object.assign(recordOf(h, TRANSFERRED), { outcome: 'abandoned_ivr', ended_us: null, hangup_cause: ENDED_WHILE_CONTROLLER_DOWN })),
      'a finished talk',
    );
  });
  t.test('the fallback ends a caller no controller ever had', async (t) => {
    holds(
      t,
      mutated((h) =>
        h.callers.push(
          caller(3, 'c3d3d3d3-0000-4000-8000-000000000003', {
            reachedController: false,
            fallback: true,
            hungUpAt: 80_000,
            hangupCause: 'NORMAL_TEMPORARY_FAILURE',
          }),
        ),
      ),
      'its own to end',
    );
  });
});

t.test('noLegLeft', async (t) => {
  t.test("an agent's leg still parked", async (t) => {
    breaks(
      t,
      mutated((h) => {
        h.channelsLeft.push({ uuid: 'leg-1001', name: 'sofia/internal/1001@cti.local', state: 'CS_PARK' });
        delete legOf(h, 'leg-1001').hungUpAt;
      }),
      'noLegLeft',
      0,
    );
  });
  t.test('a caller still there, its number masked', async (t) => {
    const [v] = breaks(
      t,
      mutated((h) => h.channelsLeft.push({ uuid: ABANDONED, name: 'sofia/external/13812345678@10.0.0.7', state: 'CS_RESET' })),
      'noLegLeft',
      1,
    );
    t.notMatch(v!.detail, /13812345678/);
    t.match(v!.detail, /138\*\*\*\*5678/);
    t.match(v!.detail, new RegExp(ABANDONED));
  });
  t.test('a leg whose hangup the switch never reported', async (t) => {
    breaks(
      t,
      mutated((h) => delete legOf(h, 'leg-decline').hungUpAt),
      'noLegLeft',
      1,
    );
  });
});

t.test('acdAgreesWithSwitch', async (t) => {
  const seatCheck = (h: ExplorerHistory, at: number, seat: string) => find(h.seatChecks, (s) => s.at === at && s.seat === seat);
  t.test('on call in the ACD, no talk in the switch', async (t) => {
    breaks(
      t,
      mutated((h) => (seatCheck(h, 20_000, '1001').switchLegs = [])),
      'acdAgreesWithSwitch',
      0,
    );
  });
  t.test('a talk in the switch, available in the ACD', async (t) => {
    breaks(
      t,
      mutated((h) => Object.assign(seatCheck(h, 20_000, '1001'), { acdState: 'available', acdCall: null })),
      'acdAgreesWithSwitch',
      0,
    );
  });
  t.test('on call with another call than the one talking', async (t) => {
    breaks(
      t,
      mutated((h) => (seatCheck(h, 20_000, '1001').acdCall = ABANDONED)),
      'acdAgreesWithSwitch',
      1,
    );
  });
  t.test('available while a controller ring is still on the seat', async (t) => {
    breaks(
      t,
      mutated((h) => h.seatChecks.push(check(3500, '1001', 'available', null, [{ uuid: 'leg-decline', answered: false }]))),
      'acdAgreesWithSwitch',
      1,
    );
  });
  t.test('offered one call, rung for another', async (t) => {
    breaks(
      t,
      mutated((h) => h.seatChecks.push(check(3500, '1001', 'ringing', ANSWERED, [{ uuid: 'leg-decline', answered: false }]))),
      'acdAgreesWithSwitch',
      1,
    );
  });
  t.test("the fallback's ring-all may ring a seat on break", async (t) => {
    holds(
      t,
      mutated((h) => {
        h.legs.push(leg('leg-ring-all', '1002', null, { createdAt: 10_000, hungUpAt: 15_000, hangupCause: 'LOSE_RACE' }));
        h.seatChecks.push(check(12_000, '1002', 'break', null, [{ uuid: 'leg-ring-all', answered: false }]));
      }),
      'no offer stands behind it',
    );
  });
  const fallbackTalk = (state: string) =>
    mutated((h) => {
      const uuid = 'c3d3d3d3-0000-4000-8000-000000000003';
      h.callers.push(caller(3, uuid, { reachedController: false, fallback: true, callerLeft: true, bridgedWith: ['leg-fb'], hungUpAt: 90_000 }));
      h.legs.push(leg('leg-fb', '1002', uuid, { createdAt: 70_000, answeredAt: 72_000, hungUpAt: 90_000 }));
      h.seatChecks.push(check(80_000, '1002', state, null, [{ uuid: 'leg-fb', answered: true }]));
    });
  t.test('a seat nobody logged in may answer the fallback', async (t) => {
    holds(t, fallbackTalk('logged_out'), 'left as it is by adoption');
  });
  t.test('a logged-in seat that answers the fallback must be on call', async (t) => {
    breaks(t, fallbackTalk('available'), 'acdAgreesWithSwitch', 3);
  });
});

t.test('transferResultAsSwitchSaw', async (t) => {
  // the department answered the blind transfer at 25 s; the classification stays as the good
  // history has it (no_answer, written once)
  const answeredBySwitch = (h: ExplorerHistory) => {
    const dept = find(h.legs, (l) => l.uuid === 'leg-12315');
    Object.assign(dept, { answeredAt: 25_000, hangupCause: 'NORMAL_CLEARING' });
  };
  t.test('a leg the switch answered, recorded as not answered (the link lost the reply)', async (t) => {
    const [v] = breaks(t, mutated(answeredBySwitch), 'transferResultAsSwitchSaw', 0);
    t.match(v!.detail, /is no_answer, but the switch answered its leg at 25000 ms/);
  });
  t.test('left out when a controller was killed while the leg was up', async (t) => {
    holds(
      t,
      mutated((h) => {
        answeredBySwitch(h);
        h.kills = [30_000];
      }),
      'a restarted controller does not take up the attempt',
    );
  });
  t.test('answered at another time than the switch', async (t) => {
    const [v] = breaks(
      t,
      mutated((h) => {
        answeredBySwitch(h);
        const row = find(h.attempts, (a) => a.id === 2);
        Object.assign(row, { result: 'answered', answered_us: 26_000_000 });
        find(h.classifications, (c) => c.attemptId === 2).result = 'answered';
      }),
      'transferResultAsSwitchSaw',
      0,
    );
    t.match(v!.detail, /answered at 26000 ms, but the switch answered its leg at 25000 ms/);
  });
  t.test('answered on the record, never by the switch', async (t) => {
    breaks(
      t,
      mutated((h) => {
        Object.assign(
          find(h.attempts, (a) => a.id === 2),
          { result: 'answered', answered_us: 25_000_000 },
        );
        find(h.classifications, (c) => c.attemptId === 2).result = 'answered';
      }),
      'transferResultAsSwitchSaw',
      0,
    );
  });
});

t.test('transferClassifiedOnce', async (t) => {
  t.test('an attempt whose end was recorded without a result', async (t) => {
    breaks(
      t,
      mutated((h) => (find(h.attempts, (a) => a.id === 2).result = null)),
      'transferClassifiedOnce',
      0,
    );
  });
  t.test('two results for one attempt', async (t) => {
    const [v] = breaks(
      t,
      mutated((h) => h.classifications.push({ attemptId: 2, result: 'answered', at: 51_000 })),
      'transferClassifiedOnce',
      0,
    );
    t.match(v!.detail, /no_answer then answered/);
  });
  t.test('a row that does not hold the result written', async (t) => {
    breaks(
      t,
      mutated((h) => (find(h.classifications, (c) => c.attemptId === 2).result = 'busy')),
      'transferClassifiedOnce',
      0,
    );
  });
  t.test('a refusal written outside the classifications', async (t) => {
    breaks(
      t,
      mutated((h) => (h.classifications = h.classifications.filter((c) => c.attemptId !== 1))),
      'transferClassifiedOnce',
      0,
    );
  });
  t.test('a result for an attempt with no row', async (t) => {
    breaks(
      t,
      mutated((h) => h.classifications.push({ attemptId: 9, result: 'busy', at: 1 })),
      'transferClassifiedOnce',
      undefined,
    );
  });
  t.test('a result that does not exist', async (t) => {
    breaks(
      t,
      mutated((h) => {
        find(h.attempts, (a) => a.id === 2).result = 'lost';
        find(h.classifications, (c) => c.attemptId === 2).result = 'lost';
      }),
      'transferClassifiedOnce',
      0,
    );
  });
  t.test('a row as a controller that died while the leg rang leaves it', async (t) => {
    holds(
      t,
      mutated((h) => h.attempts.push({ id: 3, call_id: ANSWERED, hotline: '12315', kind: 'warm', answered_us: null, ended_us: null, result: null })),
      'counted late by the rate',
    );
  });
  t.test('the same result written again (an update that kept it)', async (t) => {
    holds(
      t,
      mutated((h) => h.classifications.push({ attemptId: 2, result: 'no_answer', at: 50_001 })),
      'one result',
    );
  });
});

t.test('queueOrder', async (t) => {
  const second = (h: ExplorerHistory) => find(h.offers, (o) => o.callId === ANSWERED);
  t.test('a more urgent call waited for the seat', async (t) => {
    breaks(
      t,
      mutated((h) => second(h).eligible.push({ callId: ABANDONED, priority: 1, enteredMs: 9000, seq: 7 })),
      'queueOrder',
      0,
    );
  });
  t.test('an earlier call of the same priority waited', async (t) => {
    breaks(
      t,
      mutated((h) => second(h).eligible.push({ callId: ABANDONED, priority: 5, enteredMs: 2500, seq: 1 })),
      'queueOrder',
      0,
    );
  });
  t.test('same priority and entry time: arrival decides', async (t) => {
    breaks(
      t,
      mutated((h) => second(h).eligible.push({ callId: ABANDONED, priority: 5, enteredMs: 4500, seq: 1 })),
      'queueOrder',
      0,
    );
    holds(
      t,
      mutated((h) => second(h).eligible.push({ callId: ABANDONED, priority: 5, enteredMs: 4500, seq: 3 })),
      'it arrived later',
    );
  });
  t.test('priority comes before the wait', async (t) => {
    holds(
      t,
      mutated((h) => second(h).eligible.push({ callId: ABANDONED, priority: 9, enteredMs: 100, seq: 1 })),
      'less urgent, however long it waited',
    );
  });
  t.test('a seat offered again a queue entry it missed', async (t) => {
    breaks(
      t,
      mutated((h) => h.offers.push({ at: 6000, seat: '1001', callId: ABANDONED, eligible: [], priority: 5, enteredMs: 2500, seq: 1 })),
      'queueOrder',
      1,
    );
  });
  t.test('a new queue entry of the same call may go to the seat that missed the old one', async (t) => {
    holds(
      t,
      mutated((h) => h.offers.push({ at: 6000, seat: '1001', callId: ABANDONED, eligible: [], priority: 4, enteredMs: 5800, seq: 3 })),
      'requeued',
    );
  });
});

t.test('noUncaughtError', async (t) => {
  t.test('an exception nobody caught', async (t) => {
    breaks(
      t,
      mutated((h) => h.uncaught.push({ at: 7000, life: 'life-1', message: "TypeError: Cannot read properties of undefined (reading 'seat')" })),
      'noUncaughtError',
      undefined,
    );
  });
  t.test('an error log about a call', async (t) => {
    breaks(
      t,
      mutated((h) =>
        h.errorLogs.push({ at: 7000, life: 'life-1', message: `call step failed; hanging up step enqueue (the session for ${ABANDONED} closed)` }),
      ),
      'noUncaughtError',
      1,
    );
  });
  t.test('a caller number in a message is masked', async (t) => {
    const [v] = breaks(
      t,
      mutated((h) => h.errorLogs.push({ at: 7000, life: 'life-2', message: 'call flow failed (no route for 13912345678)' })),
      'noUncaughtError',
      undefined,
    );
    t.notMatch(v!.detail, /13912345678/);
  });
  t.test('adoption cut short by the dropped link is allowed', async (t) => {
    holds(
      t,
      mutated((h) =>
        h.errorLogs.push({
          at: 7000,
          life: 'life-1',
          message: 'adopting calls after reconnect failed (not connected to FreeSWITCH 127.0.0.1:8021; reconnecting)',
        }),
      ),
      'allow-listed',
    );
  });
  t.test('the allow-listed line without its error is not', async (t) => {
    breaks(
      t,
      mutated((h) => h.errorLogs.push({ at: 7000, life: 'life-1', message: 'adopting calls after reconnect failed' })),
      'noUncaughtError',
      undefined,
    );
  });
  t.test('adoption failing for another reason is not', async (t) => {
    breaks(
      t,
      mutated((h) => h.errorLogs.push({ at: 7000, life: 'life-1', message: 'adopting calls after reconnect failed (SQLITE_BUSY: database is locked)' })),
      'noUncaughtError',
      undefined,
    );
  });
  t.test('a transfer that failed because the link dropped is not', async (t) => {
    breaks(
      t,
      mutated((h) => h.errorLogs.push({ at: 7000, life: 'life-1', message: 'transfer failed (not connected to FreeSWITCH 127.0.0.1:8021; reconnecting)' })),
      'noUncaughtError',
      undefined,
    );
  });
});

t.test('routedAsDialled: the route on the record is the one routing.yaml gives for how the call arrived', async (t) => {
  const routed = (change: (h: ExplorerHistory) => void) =>
    mutated((h) => {
      callerOf(h, ANSWERED).expected = { mode: 'main', originHotline: null, priority: null };
      callerOf(h, TRANSFERRED).expected = { mode: 'parallel', originHotline: '95598', priority: null };
      Object.assign(recordOf(h, ANSWERED), { origin_hotline: null, priority: 5 });
      Object.assign(recordOf(h, TRANSFERRED), { origin_hotline: '95598', priority: 5 });
      change(h);
    });
  holds(
    t,
    routed(() => undefined),
    'the routes as expected',
  );
  holds(
    t,
    routed((h) => (callerOf(h, ANSWERED).expected = undefined)),
    'a caller with no expectation is not judged',
  );
  // a forwarded number ignored: the call went to the menu as 12345
  breaks(
    t,
    routed((h) => (callerOf(h, ANSWERED).expected = { mode: 'direct', originHotline: '12369', priority: null })),
    'routedAsDialled',
    0,
  );
  // the 110 platform's call not recognised: ordinary priority
  breaks(
    t,
    routed((h) => (callerOf(h, TRANSFERRED).expected = { mode: 'parallel', originHotline: '95598', priority: 1 })),
    'routedAsDialled',
    2,
  );
});

t.test('acdAgreesWithSwitch: a seat on a fallback call may still ring for a call offered before it', async (t) => {
  const onFallback = (fallback: boolean) =>
    mutated((h) => {
      callerOf(h, ANSWERED).fallback = fallback;
      h.seatChecks.push(
        check(30_000, '1001', 'on_call', ANSWERED, [
          { uuid: 'leg-1001', answered: true },
          { uuid: 'leg-decline', answered: false },
        ]),
      );
    });
  holds(t, onFallback(true), "the offered ring ends as busy; the fallback talk is the seat's call");
  breaks(t, onFallback(false), 'acdAgreesWithSwitch', 1);
});

t.test('callerNotLeftAlone: a caller whose agent hung up is taken on within the limit', async (t) => {
  const leftFor = (ms: number) => mutated((h) => (h.alone = [{ index: 0, uuid: ANSWERED, seat: '1001', from: 60_000, to: 60_000 + ms }]));
  holds(t, leftFor(20_000), 'a controller restart in between: taken on after 20 s');
  holds(t, leftFor(60_000), 'exactly the limit');
  // the hold defect of the call-failures issue: the agent hangs up while the caller is on hold,
  // and the caller hears the music until they give up
  breaks(t, leftFor(60_001), 'callerNotLeftAlone', 0);
  holds(
    t,
    mutated((h) => delete h.alone),
    'a history without the record breaks nothing',
  );
});

t.test("timesMatchSwitch: the record's answer times are the switch's, or unknown only when nobody could hear them", async (t) => {
  t.test("the caller's answer", async (t) => {
    breaks(
      t,
      mutated((h) => (recordOf(h, ANSWERED).answered_us = 1_100_001)),
      'timesMatchSwitch',
      0,
    );
    // an adopted call answered by the fallback whose answer time was never written (found by the explorer)
    breaks(
      t,
      mutated((h) => (recordOf(h, TRANSFERRED).answered_us = null)),
      'timesMatchSwitch',
      2,
    );
    breaks(
      t,
      mutated((h) => {
        callerOf(h, ABANDONED).answered = false;
        delete callerOf(h, ABANDONED).answeredUs;
      }),
      'timesMatchSwitch',
      1,
    );
    holds(
      t,
      mutated((h) => {
        recordOf(h, TRANSFERRED).answered_us = null;
        h.eslLinks = [{ from: 0, to: 29_999 }, { from: 30_001 }];
      }),
      'unknown: the caller ended while no inbound link was open',
    );
    holds(
      t,
      mutated((h) => {
        recordOf(h, TRANSFERRED).answered_us = null;
        recordOf(h, TRANSFERRED).ended_us = null;
        recordOf(h, TRANSFERRED).hangup_cause = ENDED_WHILE_CONTROLLER_DOWN;
      }),
      'unknown: closed as ended while no controller was up',
    );
  });
  t.test("the agent's answer", async (t) => {
    breaks(
      t,
      mutated((h) => (recordOf(h, ANSWERED).agent_answered_us = 8_000_001)),
      'timesMatchSwitch',
      0,
    );
    breaks(
      t,
      mutated((h) => (recordOf(h, ANSWERED).agent_answered_us = null)),
      'timesMatchSwitch',
      0,
    );
    holds(
      t,
      mutated((h) => {
        recordOf(h, ANSWERED).agent_answered_us = null;
        h.eslLinks = [{ from: 0, to: 59_000 }, { from: 61_000 }];
      }),
      "unknown: the seat's leg ended while no inbound link was open",
    );
    holds(
      t,
      mutated((h) => delete h.eslLinks),
      'a history without links takes every event as heard',
    );
  });
});

t.test('callerNeverInDeadAir: nothing running for a caller is bounded', async (t) => {
  const silentFor = (ms: number) => mutated((h) => (h.deadAir = [{ index: 1, uuid: ABANDONED, from: 1000, to: 1000 + ms, answered: false }]));
  holds(t, silentFor(25_000), 'a controller that accepted and never spoke: the 25 s first-packet limit');
  holds(t, silentFor(60_000), 'exactly the limit');
  // the revert of socket_resume before `socket`: a controller killed before `connect` parks the caller for ever
  breaks(t, silentFor(60_001), 'callerNeverInDeadAir', 1);
  holds(
    t,
    mutated((h) => delete h.deadAir),
    'a history without the record breaks nothing',
  );
});

t.test('offeredBySkill: a call goes only to a seat serving its queue in the config in force', async (t) => {
  // an ACD that missed a reload: seat 1001 no longer serves the enterprise line, and is offered call 1
  breaks(
    t,
    mutated((h) => (h.offers[0]!.seatSkills = ['citizen'])),
    'offeredBySkill',
    1,
  );
  holds(
    t,
    mutated((h) => {
      delete h.offers[0]!.queue;
      delete h.offers[0]!.seatSkills;
    }),
    'an offer recorded without skills breaks nothing',
  );
});

t.test('callerHearsWhatHappens: ringback while it rings, the transferring and emergency prompts', async (t) => {
  const heard = (x: NonNullable<ExplorerHistory['sounds']>[number]) => mutated((h) => (h.sounds = [x]));
  const ring = (ms: number) => heard({ index: 0, uuid: ANSWERED, at: 5000, problem: 'silent-ring', ms, target: 'user/1001' });
  holds(t, ring(1000), 'a second of silence as the bridge starts');
  breaks(t, ring(1001), 'callerHearsWhatHappens', 0);
  breaks(
    t,
    heard({ index: 2, uuid: TRANSFERRED, at: 4000, problem: 'no-transfer-prompt', target: 'sofia/gateway/telecom-trunk/95598' }),
    'callerHearsWhatHappens',
    2,
  );
  const [v] = breaks(
    t,
    heard({ index: 0, uuid: ANSWERED, at: 9000, problem: 'no-emergency-prompt', target: 'sofia/gateway/police-110/110' }),
    'callerHearsWhatHappens',
    0,
  );
  t.match(v!.detail, /emergency number .*110 without the emergency-transfer prompt/);
  holds(
    t,
    mutated((h) => delete h.sounds),
    'a history without the record breaks nothing',
  );
});

t.test('seatLegsOnRecord: a seat leg that talked with a recorded caller is on its record', async (t) => {
  const without = (h: ExplorerHistory) => (h.recordLegs = h.recordLegs.filter((l) => l.id !== 'leg-1001'));
  // an adopted talk whose seat leg was never written (the revert of 8b of the call-failures issue)
  breaks(t, mutated(without), 'seatLegsOnRecord', 0);
  breaks(
    t,
    mutated((h) => (find(h.recordLegs, (l) => l.id === 'leg-1001').call_id = ABANDONED)),
    'seatLegsOnRecord',
    0,
  );
  breaks(
    t,
    mutated((h) => (find(h.recordLegs, (l) => l.id === 'leg-1001').answered_us = 8_000_500)),
    'seatLegsOnRecord',
    0,
  );
  holds(
    t,
    mutated((h) => (find(h.recordLegs, (l) => l.id === 'leg-1001').answered_us = null)),
    'an answer nobody heard may be unknown',
  );
  holds(
    t,
    mutated((h) => {
      without(h);
      h.eslLinks = [{ from: 0, to: 4_999 }, { from: 60_001 }];
    }),
    'a leg that lived and died while no inbound link was open',
  );
});
