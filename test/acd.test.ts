// The ACD on a manual clock: longest idle first, priority, skills, ring timeout and the
// automatic break, wrap-up, positions, abandon, and state that survives a restart.
import t from 'tap';
import { CallDistributor, AcdStore, type Timers, type Offer } from '../src/acd/index.js';
import { openDatabase } from '../src/store/index.js';
import { schema } from '../src/schema.js';
import type { CtiConfig, Seat } from '../src/config/index.js';

const seats: Seat[] = [
  { id: '1001', name: 'A', skills: ['citizen', 'enterprise'] },
  { id: '1002', name: 'B', skills: ['citizen', 'enterprise'] },
  { id: '1011', name: 'S', skills: ['supervision', 'citizen'] },
];

function rig(store?: AcdStore) {
  let now = 1_000_000;
  const pending: Array<{ at: number; fn: () => void; id: number }> = [];
  let nextId = 1;
  const timers: Timers = {
    set: (fn, ms) => {
      const id = nextId++;
      pending.push({ at: now + ms, fn, id });
      return id;
    },
    clear: (h) => {
      const i = pending.findIndex((p) => p.id === h);
      if (i >= 0) pending.splice(i, 1);
    },
  };
  const acd = new CallDistributor({ seats, wrapUpS: 10, averageHandleS: 120, now: () => now, timers, store });
  const offers: Offer[] = [];
  const notices: string[] = [];
  acd.on('offer', (o) => offers.push(o));
  acd.on('notice', (_a, m) => notices.push(m));
  return {
    acd,
    offers,
    notices,
    advance(ms: number) {
      now += ms;
      for (const p of [...pending].sort((a, b) => a.at - b.at)) {
        if (p.at <= now) {
          pending.splice(pending.indexOf(p), 1);
          p.fn();
        }
      }
    },
    call(id: string, queue = 'citizen', priority = 5) {
      return acd.enqueue({
        callId: id,
        queue,
        line: queue === 'supervision' ? '9' : '1',
        priority,
        enteredMs: now,
        caller: '13800138000',
        originHotline: null,
        department: null,
      });
    },
  };
}

const ready = (r: ReturnType<typeof rig>, ...ids: string[]) =>
  ids.forEach((id) => (r.acd.agentAction(id, { type: 'login' }), r.acd.agentAction(id, { type: 'ready' }), r.advance(1000)));

t.test('longest idle agent first; a call waits when nobody is free', async (t) => {
  const r = rig();
  ready(r, '1002', '1001'); // 1002 has been idle longer
  r.call('c1');
  t.same(
    r.offers.map((o) => [o.call.callId, o.agentId]),
    [['c1', '1002']],
  );
  t.equal(r.acd.agentState('1002').name, 'ringing');
  r.call('c2');
  t.same(r.offers.at(-1), { call: r.offers.at(-1)!.call, agentId: '1001' });
  t.same(r.call('c3'), { position: 1 }, 'nobody free: first in line');
  t.same(r.call('c4'), { position: 2 });
  t.equal(r.acd.estimatedWaitS('c4'), 60, 'one call ahead × 120 s ÷ 2 staffed agents (1011 is logged out)');
});

t.test('priority beats arrival time: a 110-diverted call goes first', async (t) => {
  const r = rig();
  r.call('ordinary');
  r.advance(5000);
  r.call('police', 'citizen', 1);
  t.same(
    r.acd.waitingCalls().map((c) => c.callId),
    ['police', 'ordinary'],
  );
  ready(r, '1001');
  t.equal(r.offers[0]!.call.callId, 'police');
});

t.test('line 9 only reaches supervision seats', async (t) => {
  const r = rig();
  ready(r, '1001', '1002');
  r.call('nine', 'supervision');
  t.equal(r.offers.length, 0, 'ordinary seats do not get it');
  ready(r, '1011');
  t.same(
    r.offers.map((o) => o.agentId),
    ['1011'],
  );
});

t.test('ring timeout: next agent; two misses in a row: automatic break with a notice', async (t) => {
  const r = rig();
  ready(r, '1001', '1002');
  r.call('c1');
  t.equal(r.offers[0]!.agentId, '1001');
  r.acd.offerResult('c1', false);
  t.equal(r.offers[1]!.agentId, '1002', 're-offered to the other agent');
  t.equal(r.acd.agentState('1001').name, 'available');
  t.equal(r.acd.agentState('1001').missedInARow, 1);
  r.acd.offerResult('c1', true);
  r.call('c2');
  t.equal(r.offers[2]!.agentId, '1001');
  r.acd.offerResult('c2', false);
  t.match(r.acd.agentState('1001'), { name: 'break', breakReason: '连续未接来电', missedInARow: 2 });
  t.same(r.notices, ['坐席 1001 连续 2 次未接来电，已自动置为小休']);
  t.same(
    r.acd.waitingCalls().map((c) => c.callId),
    ['c2'],
    'the call waits again, keeping its place',
  );
});

t.test('wrap-up is timed, and a break asked for during a call is taken after it', async (t) => {
  const r = rig();
  ready(r, '1001');
  r.call('c1');
  r.acd.offerResult('c1', true);
  t.equal(r.acd.agentState('1001').name, 'on_call');
  r.acd.callEnded('1001', 60_000);
  t.equal(r.acd.agentState('1001').name, 'wrap_up');
  r.call('c2');
  t.equal(r.offers.length, 1, 'no call during wrap-up');
  r.advance(9_999);
  t.equal(r.acd.agentState('1001').name, 'wrap_up');
  r.advance(1);
  t.equal(r.acd.agentState('1001').name, 'ringing', 'available after 10 s and the waiting call is offered at once');
  r.acd.offerResult('c2', true);
  r.acd.agentAction('1001', { type: 'break', reason: '用餐' });
  t.equal(r.acd.agentState('1001').name, 'on_call', 'the break waits for the call to end');
  r.acd.callEnded('1001', 30_000);
  t.match(r.acd.agentState('1001'), { name: 'break', breakReason: '用餐' });
  t.throws(() => r.acd.agentAction('1001', { type: 'login' }), { code: 'CTI_ACD_BAD_STATE' });
  t.throws(() => r.acd.agentAction('9999', { type: 'login' }), { code: 'CTI_ACD_NO_SUCH_AGENT' });
});

t.test('a caller who hangs up while waiting or ringing leaves the queue; the agent is free again', async (t) => {
  const r = rig();
  r.call('gone');
  const left: string[] = [];
  r.acd.on('left', (c, why) => left.push(`${c.callId}:${why}`));
  r.acd.leave('gone', 'abandoned');
  t.same(r.acd.waitingCalls(), []);
  ready(r, '1001');
  r.call('ringing-then-gone');
  r.acd.leave('ringing-then-gone', 'abandoned');
  t.equal(r.acd.agentState('1001').name, 'available');
  t.same(left, ['gone:abandoned', 'ringing-then-gone:abandoned']);
});

t.test('agent states and waiting calls survive a restart', async (t) => {
  const db = openDatabase(':memory:', schema);
  t.teardown(() => db.close());
  const r = rig(new AcdStore(db));
  ready(r, '1001');
  r.acd.agentAction('1002', { type: 'login' });
  r.call('c1');
  r.call('c2');
  // the changes are committed with the rest of the turn's writes, once the turn is over
  await new Promise((resolve) => setImmediate(resolve));
  const again = rig(new AcdStore(db));
  t.equal(again.acd.agentState('1001').name, 'ringing');
  t.match(again.acd.agentState('1002'), { name: 'break', breakReason: '未就绪' });
  // c1 was ringing 1001 when the controller stopped: it stays on record until the recovery
  // (which reads FreeSWITCH's channels) learns whether it was answered
  t.same(
    again.acd.waitingCalls().map((c) => c.callId),
    ['c1', 'c2'],
  );
  t.equal(again.acd.agentState('1011').name, 'logged_out');
});

t.test('a reloaded routing.yaml reaches the ACD: new seats, changed skills, removed seats, wrap-up', async (t) => {
  const r = rig();
  ready(r, '1001', '1002');
  r.call('sup', 'supervision');
  t.same(
    r.offers.map((o) => o.call.callId),
    [],
    'nobody available has the supervision skill',
  );
  const reloaded: Seat[] = [
    { id: '1001', name: 'A', skills: ['citizen', 'supervision'] },
    { id: '1003', name: 'C', skills: ['citizen'] },
  ];
  r.acd.reconfigure(reloaded, 3);
  t.same(
    r.offers.map((o) => [o.call.callId, o.agentId]),
    [['sup', '1001']],
    'the new skill is used at once',
  );
  t.same(
    r.acd.agentIds().sort(),
    ['1001', '1002', '1003', '1011'].filter((id) => id !== '1011'),
    'seat 1011 (logged out) is gone, 1003 is new, 1002 stays while taken',
  );
  r.acd.offerResult('sup', true);
  r.acd.callEnded('1001', 10_000);
  t.match(r.acd.agentState('1001'), { name: 'wrap_up' });
  r.advance(3000);
  t.match(r.acd.agentState('1001'), { name: 'available' }, 'the new wrap-up of 3 s, not the old 10 s');
  r.call('c2');
  t.equal(r.offers.at(-1)!.agentId, '1001', 'the removed seat 1002 is offered nothing, though it is available and idle longer');
  r.acd.agentAction('1002', { type: 'logout' });
  t.throws(() => r.acd.agentState('1002'), { code: 'CTI_ACD_NO_SUCH_AGENT' }, 'and goes at its logout');
  r.acd.agentAction('1003', { type: 'login' });
  t.match(r.acd.agentState('1003'), { name: 'break' }, 'the new seat can be taken (login starts on break, as for every seat)');
});

t.test('follow: each accepted reload of the config reconfigures the ACD (what the server and the explorer wire)', async (t) => {
  const r = rig();
  ready(r, '1001');
  const listeners: Array<(c: CtiConfig) => void> = [];
  r.acd.follow({ onChange: (l) => listeners.push(l) });
  t.equal(listeners.length, 1, 'one listener on the config');
  r.call('sup', 'supervision');
  t.same(r.offers, [], 'seat 1001 has no supervision skill yet');
  const routing = { seats: [{ id: '1001', name: 'A', skills: ['citizen', 'supervision'] }], acd: { wrapUpS: 3 } };
  listeners[0]!({ routing } as unknown as CtiConfig);
  t.same(
    r.offers.map((o) => [o.call.callId, o.agentId]),
    [['sup', '1001']],
    'the reloaded skill is used at once',
  );
});

t.test('a seat that took a fallback call while rung for another keeps its talk (found by the explorer)', async (t) => {
  const r = rig();
  ready(r, '1001');
  r.call('c1');
  t.equal(r.acd.agentState('1001').name, 'ringing', 'offered c1');
  // after a restart the seat answers the dialplan fallback's ring for another caller
  r.acd.adoptTalk('1001', 'fallback-call');
  r.acd.leave('c1', 'abandoned');
  t.match(r.acd.agentState('1001'), { name: 'on_call', callId: 'fallback-call' }, 'c1 hanging up does not free a seat that is talking');
  // the offered call's talk ending late names its own call: it ends nothing else
  r.acd.callEnded('1001', 5000, 'c1');
  t.match(r.acd.agentState('1001'), { name: 'on_call', callId: 'fallback-call' }, 'another call ending does not end this talk');
  r.acd.callEnded('1001', 5000, 'fallback-call');
  t.equal(r.acd.agentState('1001').name, 'wrap_up', 'its own end does');
});

t.test('an agent who logs in while talking on a fallback call is on that call, not free (found by the explorer)', async (t) => {
  const r = rig();
  r.acd.adoptTalk('1001', 'fallback-call');
  t.equal(r.acd.agentState('1001').name, 'logged_out', 'nobody had the seat: it stays as it is');
  r.acd.agentAction('1001', { type: 'login' });
  r.acd.agentAction('1001', { type: 'ready' });
  t.match(r.acd.agentState('1001'), { name: 'on_call', callId: 'fallback-call' }, 'ready while talking: on that call');
  r.call('c1');
  t.same(r.offers, [], 'offered nothing while talking');
  r.acd.callEnded('1001', 1000, 'fallback-call');
  t.equal(r.acd.agentState('1001').name, 'wrap_up');
  r.acd.agentAction('1001', { type: 'ready' });
  t.equal(r.acd.agentState('1001').name, 'ringing', 'free again, it gets the waiting call');
});

t.test(
  'a seat rung while it took a fallback call rings again when that call ends, and its answer puts it on the rung call (found by the explorer)',
  async (t) => {
    const r = rig();
    ready(r, '1001');
    r.call('c1');
    r.acd.adoptTalk('1001', 'fallback-call');
    r.acd.callEnded('1001', 1000, 'fallback-call');
    t.match(r.acd.agentState('1001'), { name: 'ringing', callId: 'c1' }, "the fallback call over, the ring that was still going is the seat's state again");
    r.acd.offerResult('c1', true);
    t.match(r.acd.agentState('1001'), { name: 'on_call', callId: 'c1' }, 'the agent picked up the ring that was still going');
    r.advance(20_000);
    t.match(r.acd.agentState('1001'), { name: 'on_call', callId: 'c1' }, 'the wrap-up of the fallback call does not end it');
  },
);
