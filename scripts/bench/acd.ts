// The ACD with a long queue: every agent busy and thousands of calls waiting, as in the call
// bench's hold phase. Prints the cost of an arrival, a departure, a position announcement, a
// listing and a pushed queue message, and the announcement counted the plain way (every
// waiting call compared), with the ratio. No goals are asserted (docs/architecture.md §6).
// Run: npm run bench -- acd [--waiting 5000]
import { CallDistributor, queuesView } from '../../src/acd/index.js';
import { servedBefore, type WaitingCall } from '../../src/acd/waiting-call.js';
import type { Seat } from '../../src/config/index.js';

function arg(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}

function perOp(label: string, n: number, fn: (i: number) => void): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  const us = Number(process.hrtime.bigint() - start) / 1000 / n;
  process.stdout.write(`${label.padEnd(44)} ${us.toFixed(2).padStart(9)} µs\n`);
  return us;
}

export async function main(argv: string[]): Promise<void> {
  const waiting = arg(argv, 'waiting', 5000);
  const seats: Seat[] = Array.from({ length: 12 }, (_, i) => ({
    id: String(1001 + i),
    name: `坐席${i}`,
    skills: i < 2 ? ['supervision', 'citizen'] : ['citizen', 'enterprise'],
  }));
  let now = 1_700_000_000_000;
  const acd = new CallDistributor({ seats, wrapUpS: 10, averageHandleS: 120, now: () => now });
  // all agents on a call, as in the hold phase
  for (const s of seats) {
    acd.agentAction(s.id, { type: 'login' });
    if (acd.agentState(s.id).name !== 'available') acd.agentAction(s.id, { type: 'ready' });
  }
  const enqueue = (id: string, queue = ['citizen', 'enterprise', 'supervision'][Number(id.slice(1)) % 3]!) => {
    now += 1;
    acd.enqueue({
      callId: id,
      queue,
      line: '1',
      priority: id.endsWith('7') ? 1 : 5,
      enteredMs: now,
      caller: '13800000000',
      originHotline: null,
      department: null,
    });
  };
  for (let i = 0; i < 12; i++) enqueue(`a${i}`, 'citizen');
  for (const s of seats) acd.offerResult(acd.agentState(s.id).callId ?? '', true);
  if (acd.waitingCalls().length > 0) throw new Error('the agents did not take the first calls');
  for (let i = 0; i < waiting; i++) enqueue(`w${i}`);
  const ids = acd.waitingCalls().map((c) => c.callId);
  process.stdout.write(`ACD with ${ids.length} calls waiting, ${seats.length} agents all on calls\n`);

  perOp('arrival (enqueue)', 2000, (i) => enqueue(`n${i}`));
  perOp('departure (caller hangs up)', 2000, (i) => acd.leave(`n${i}`, 'abandoned'));
  const kept = perOp('position announcement (positionOf + wait)', ids.length, (i) => {
    acd.positionOf(ids[i]!);
    acd.estimatedWaitS(ids[i]!);
  });
  const all = acd.waitingCalls();
  const plain = perOp('position counted over every waiting call', Math.min(ids.length, 2000), (i) => {
    const call = all[i]!;
    let ahead = 0;
    for (const other of all) if (other.queue === call.queue && servedBefore(other, call)) ahead++;
    if (ahead < 0) throw new Error('unreachable');
  });
  perOp('queue listing (waitingCalls, all queues)', 200, () => acd.waitingCalls());
  perOp('pushed queue message (first 50, whole counts)', 2000, () => queuesView(acd, now, 50));
  process.stdout.write(`ratio plain count / kept order for a position: ${(plain / kept).toFixed(0)}×\n`);
  // a sanity check that the figures were measured on a real queue, not an empty one
  const sample: WaitingCall | undefined = all[all.length - 1];
  if (!sample || acd.positionOf(sample.callId) < 2) throw new Error('the queue was not built');
}
