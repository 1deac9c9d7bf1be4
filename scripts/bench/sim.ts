// Simulator benchmark (issue 4, item 8): the simulator must never be the bottleneck of a
// benchmark, so this measures what it sustains alone. The simulator runs with the project's
// dialplan; the controller is the smallest correct outbound ESL server, written here with
// node:net: for each call it sends `connect`, and once the CHANNEL_DATA block is in, `myevents`,
// then `sendmsg` execute answer and `sendmsg` hangup. Calls (to 12345) are placed at rising
// rates for a few seconds each. A rate is sustained when every call of the step ended within
// --within-s of being placed. Prints, for each step and for the highest sustained rate: calls/s,
// events/s fired by the switch and delivered to the controller, and p50/p99 latencies of
//   call placed → CHANNEL_DATA in the controller's hands (it can send its first command), and
//   `connect` written → CHANNEL_DATA read (the switch's reply time).
// Loopback only; bounded by --max-total-s (default 55). No goals are asserted (docs/architecture.md §6).
// Run: npm run bench -- sim [--step-s 3] [--within-s 2] [--start-rate 25] [--max-total-s 55]
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DRAIN_S = 10;
const line = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** What the controller saw of one call, by the Unique-ID in its CHANNEL_DATA. */
interface Seen {
  connectSentMs: number;
  channelDataMs: number;
}

/**
 * The minimal controller. Frames from the switch are header blocks ended by a blank line; a
 * Content-Length header means that many body bytes follow (events). CHANNEL_DATA, the reply to
 * `connect`, is a single unframed block. Nothing else is interpreted: events are only counted.
 */
export class MinimalController {
  readonly server: Server;
  readonly seen = new Map<string, Seen>();
  events = 0;
  private readonly sockets = new Set<Socket>();

  /** `onFirstCommand`: CHANNEL_DATA's chunk received → first command written, ms (as the controller's own clock takes it) */
  constructor(private readonly onFirstCommand?: (ms: number) => void) {
    this.server = createServer((socket) => this.accept(socket));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer: Buffer = Buffer.alloc(0);
    let uuid: string | undefined;
    const connectSentMs = performance.now();
    socket.write('connect\n\n');
    socket.on('data', (chunk: Buffer) => {
      const receivedMs = performance.now();
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end < 0) break;
        const head = buffer.subarray(0, end).toString('latin1');
        const length = Number(/(?:^|\n)Content-Length: (\d+)/.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 2 + length) break;
        buffer = buffer.subarray(end + 2 + length);
        if (uuid === undefined) {
          // The first block is CHANNEL_DATA: the controller now knows the call and sends its commands.
          uuid = /(?:^|\n)Unique-ID: ([^\n]+)/.exec(head)?.[1] ?? '';
          this.seen.set(uuid, { connectSentMs, channelDataMs: performance.now() });
          socket.write(
            'myevents\n\n' +
              'sendmsg\ncall-command: execute\nexecute-app-name: answer\n\n' +
              'sendmsg\ncall-command: hangup\nhangup-cause: NORMAL_CLEARING\n\n',
          );
          this.onFirstCommand?.(performance.now() - receivedMs);
        } else if (head.includes('Content-Type: text/event-plain')) {
          this.events++;
        }
      }
    });
  }
}

interface Step {
  rate: number;
  placed: number;
  completed: number;
  withinLimit: boolean;
  seconds: number;
  firedPerS: number;
  deliveredPerS: number;
  readyP50: number;
  readyP99: number;
  replyP99: number;
  completeP99: number;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function runStep(sim: Simulator, controller: MinimalController, rate: number, stepS: number, withinS: number, fired: { n: number }): Promise<Step> {
  const placedAt = new Map<string, number>();
  const completeMs: number[] = [];
  const endings: Array<Promise<void>> = [];
  const eventsBefore = controller.events;
  const firedBefore = fired.n;
  const total = Math.round(rate * stepS);
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const at = performance.now();
    const ch = sim.engine.placeCall({ from: `1380000${String(i % 10000).padStart(4, '0')}`, to: '12345' });
    placedAt.set(ch.uuid, at);
    endings.push(ch.destroyed.then(() => void completeMs.push(performance.now() - at)));
  }
  // Every call gets withinS after the last one was placed; later ones are counted as too slow.
  await Promise.race([Promise.all(endings), new Promise((resolve) => setTimeout(resolve, withinS * 1000))]);
  const seconds = (performance.now() - started) / 1000;
  const ready: number[] = [];
  const reply: number[] = [];
  for (const [uuid, at] of placedAt) {
    const s = controller.seen.get(uuid);
    if (!s) continue;
    ready.push(s.channelDataMs - at);
    reply.push(s.channelDataMs - s.connectSentMs);
  }
  // Let stragglers (and the legs they left) finish, up to DRAIN_S more, so that steps do not overlap.
  const drainEnd = performance.now() + DRAIN_S * 1000;
  while (sim.engine.channels.length > 0 && performance.now() < drainEnd) await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    rate,
    placed: total,
    completed: completeMs.filter((ms) => ms <= withinS * 1000).length,
    withinLimit: completeMs.length === total && completeMs.every((ms) => ms <= withinS * 1000),
    seconds,
    firedPerS: (fired.n - firedBefore) / seconds,
    deliveredPerS: (controller.events - eventsBefore) / seconds,
    readyP50: percentile(ready, 50),
    readyP99: percentile(ready, 99),
    replyP99: percentile(reply, 99),
    completeP99: percentile(completeMs, 99),
  };
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { 'step-s': { type: 'string' }, 'within-s': { type: 'string' }, 'start-rate': { type: 'string' }, 'max-total-s': { type: 'string' } },
  });
  const stepS = Number(values['step-s'] ?? 3);
  const withinS = Number(values['within-s'] ?? 2);
  const maxTotalS = Number(values['max-total-s'] ?? 55);
  let rate = Number(values['start-rate'] ?? 25);

  const controller = new MinimalController();
  const port = await controller.listen();
  const sim = await startSimulator({
    eslPort: 0,
    dialplanDir: join(ROOT, 'dialplan'),
    controller: { host: '127.0.0.1', port },
    engine: { seed: 1 },
  });
  const fired = { n: 0 };
  sim.engine.tap(() => void fired.n++);
  line(`simulator benchmark — ${new Date().toISOString()}, node ${process.version}, loopback`);
  line(`  controller: minimal outbound ESL server (connect, myevents, answer, hangup); calls to 12345 through dialplan/`);
  line(`  steps of ${stepS} s at rising rates; sustained = every call ended within ${withinS} s of being placed`);
  line('  rate/s  placed  ok≤limit  events fired/s  delivered/s  placed→CHANNEL_DATA p50/p99 ms  connect→reply p99 ms  placed→ended p99 ms');
  const began = performance.now();
  let best: Step | undefined;
  let failed: number | undefined;
  try {
    // Double the rate until a step is not sustained, then try once halfway between.
    while (rate > 0) {
      if ((performance.now() - began) / 1000 + stepS + withinS + DRAIN_S > maxTotalS) break;
      const step = await runStep(sim, controller, rate, stepS, withinS, fired);
      line(
        `  ${String(step.rate).padStart(6)}  ${String(step.placed).padStart(6)}  ${String(step.completed).padStart(8)}  ${fmt(step.firedPerS).padStart(14)}  ${fmt(step.deliveredPerS).padStart(11)}  ` +
          `${`${fmt(step.readyP50, 1)} / ${fmt(step.readyP99, 1)}`.padStart(31)}  ${fmt(step.replyP99, 1).padStart(20)}  ${fmt(step.completeP99, 1).padStart(19)}${step.withinLimit ? '' : '  ← not sustained'}`,
      );
      if (step.withinLimit && (!best || step.rate > best.rate)) best = step;
      if (!step.withinLimit) failed = step.rate;
      if (failed === undefined) rate *= 2;
      else if (best && failed === rate && rate > best.rate * 1.25) rate = Math.round((best.rate + failed) / 2);
      else break;
    }
  } finally {
    await sim.stop();
    await controller.close();
  }
  if (best) {
    line(
      `highest sustained: ${fmt(best.rate)} calls/s (${best.placed} calls in ${fmt(best.seconds, 1)} s), ` +
        `${fmt(best.firedPerS)} events/s fired, ${fmt(best.deliveredPerS)} events/s delivered to the controller, ` +
        `p99 placed→CHANNEL_DATA ${fmt(best.readyP99, 1)} ms, p99 connect→reply ${fmt(best.replyP99, 1)} ms`,
    );
  } else {
    line('no rate was sustained (even the first step had calls over the limit)');
  }
  line(`total ${fmt((performance.now() - began) / 1000, 1)} s`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv.slice(2));
