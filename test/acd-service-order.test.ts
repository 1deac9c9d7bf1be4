// The kept service order against the plain definition: sorting every waiting call and
// counting the calls ahead. Random arrivals, departures, re-queued missed calls and calls that
// entered in the same millisecond, across queues and priorities.
import t from 'tap';
import { ServiceOrder } from '../src/acd/service-order.js';
import { inServiceOrder, servedBefore, type WaitingCall } from '../src/acd/waiting-call.js';

/** A small deterministic generator, so a failure can be replayed. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s >>> 16) % n; // the low bits of an LCG repeat quickly
  };
}

function call(id: number, queue: string, priority: number, enteredMs: number): WaitingCall {
  return { callId: `c${id}`, queue, line: '1', priority, enteredMs, caller: '138', originHotline: null, department: null, missedBy: [], seq: id };
}

function plainPosition(all: WaitingCall[], c: WaitingCall): number {
  return all.filter((o) => o.queue === c.queue && servedBefore(o, c)).length + 1;
}

t.test('order and positions equal the sort and the count, under random changes', async (t) => {
  for (const seed of [1, 7, 42, 2026]) {
    const rand = lcg(seed);
    const order = new ServiceOrder();
    const plain = new Map<string, WaitingCall>();
    let clock = 0;
    let id = 0;
    let mismatches = 0;
    for (let step = 0; step < 3000; step++) {
      const r = rand(10);
      if (r < 5 || plain.size === 0) {
        clock += rand(3); // same millisecond now and then
        const c = call(++id, ['citizen', 'enterprise', 'supervision'][rand(3)]!, [1, 5, 5, 5, 9][rand(5)]!, clock);
        order.add(c);
        plain.set(c.callId, c);
      } else {
        const victim = [...plain.values()][rand(plain.size)]!;
        if (r < 8) {
          if (order.remove(victim.callId) !== victim) mismatches++;
          plain.delete(victim.callId);
        } else {
          // a missed offer puts the call back where it was, with the agent noted
          const back = { ...victim, missedBy: [...victim.missedBy, '1001'] };
          order.add(back);
          plain.set(back.callId, back);
        }
      }
      if (step % 100 !== 0) continue;
      const all = [...plain.values()];
      const expected = inServiceOrder(all).map((c) => c.callId);
      if (
        order
          .inOrder()
          .map((c) => c.callId)
          .join() !== expected.join()
      )
        mismatches++;
      if (
        order
          .inOrder(undefined, 7)
          .map((c) => c.callId)
          .join() !== expected.slice(0, 7).join()
      )
        mismatches++;
      for (const q of ['citizen', 'enterprise']) {
        const inQueue = inServiceOrder(all.filter((c) => c.queue === q)).map((c) => c.callId);
        if (
          order
            .inOrder([q])
            .map((c) => c.callId)
            .join() !== inQueue.join()
        )
          mismatches++;
      }
      for (const c of all) if (order.position(c.callId) !== plainPosition(all, c)) mismatches++;
      const earliest = all.length ? Math.min(...all.map((c) => c.enteredMs)) : null;
      if (order.earliestEnteredMs() !== earliest) mismatches++;
    }
    t.equal(mismatches, 0, `seed ${seed}: no differences`);
    t.equal(order.size, plain.size, `seed ${seed}: same count`);
    t.ok(plain.size > 100, `seed ${seed}: the queue grew long (${plain.size})`);
  }
});

t.test('a call not waiting has no position, and removing it again is harmless', async (t) => {
  const order = new ServiceOrder();
  const a = call(1, 'citizen', 5, 10);
  order.add(a);
  t.equal(order.position('c1'), 1);
  t.equal(order.remove('c1'), a);
  t.equal(order.remove('c1'), undefined);
  t.equal(order.position('c1'), 0);
  t.same(order.inOrder(), []);
  t.notOk(order.has('c1'));
});

t.test('the walk stops where its reader stops, and spans only the queues asked for', async (t) => {
  const order = new ServiceOrder();
  order.add(call(1, 'citizen', 5, 10));
  order.add(call(2, 'supervision', 5, 5));
  order.add(call(3, 'citizen', 1, 20));
  t.same(
    order.inOrder().map((c) => c.callId),
    ['c3', 'c2', 'c1'],
    'priority first, then arrival, across queues',
  );
  t.same(
    order.inOrder(['citizen', 'unknown']).map((c) => c.callId),
    ['c3', 'c1'],
  );
  const first = order.walk(['supervision']).next();
  t.equal(first.value?.callId, 'c2');
});
