// Call-controller benchmark: `npm run bench -- calls`. The simulator offers calls to 12345 at
// rising rates, first to the minimal ESL echo of sim.ts (connect, myevents, answer, hangup: no
// logic), then to the real controller (`npm start` in its own process, 12 agents logged in and
// ready through its API). Echo and controller each run in a process of their own, as a
// controller beside FreeSWITCH would, so that each has a core apart from the simulator's.
// Callers of the controller press 1 at 0.2 s and hang up at 1 s, so calls go through the menu
// into the queue and do not pile up on 12 agents. A rate is sustained when every call ended
// within --within-s of its expected end (echo: of being placed; controller: of the caller's
// hang-up) and got its first command, and the p99 of "CHANNEL_DATA received → first command
// sent" is at most 20 ms, and so is the peer's event-loop delay p99. Echo and controller are held
// to the same test: the span is each one's own (its reads and writes, taken by itself:
// cti_esl_first_command_seconds in the controller's /metrics, the same histogram in the echo's
// answer on stdin/stdout), and so is the loop delay. The
// same span seen from the simulator (CHANNEL_DATA reply written → first sendmsg read) is printed
// beside it; it adds loopback and the simulator's lag in reading, which dominates once the
// simulator, not the controller, is saturated.
// Then calls that stay (no free agent: they wait in the queue) are placed at a steady rate up
// to --hold-cap for at most 90 s (or until the controller falls 2 s behind), and the calls held
// at once (the controller's cti_calls_in_progress) and the controller process's RSS and heap
// growth per held call are reported. Each step also prints the CPU time per call of the
// simulator's process and of the peer's. Goals are printed, not asserted (docs/architecture.md §6).
// Run: npm run bench -- calls [--step-s 3] [--within-s 2] [--rates 25,50,100,150,200,250,300,400,500,600,800]
//                              [--hold-cap 6000] [--hold-rate 120] [--max-total-s 230]
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startSimulator, type Simulator, type PlaceCall } from '../../src/sim/index.js';
import { percentile } from './sim.js';
import { metricSample, startControllerProcess, type ControllerProcess } from './controller-process.js';
import { freePort } from '../lib/free-port.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DRAIN_S = 10;
const P99_LIMIT_MS = 20;
const GOALS = { rate: 300, held: 5000, ratio: 0.5 };
const PASSWORD = 'bench-12345';
const line = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Per call, on the simulator side: when the CHANNEL_DATA reply to `connect` was made, and when the first sendmsg came. */
interface Latency {
  connectMs: Map<string, number>;
  firstCommandMs: Map<string, number>;
}

/** Wraps the engine's channelData (first call for a channel = `connect`) and sendmsg on this instance only. */
function instrument(sim: Simulator): Latency {
  const lat: Latency = { connectMs: new Map(), firstCommandMs: new Map() };
  const engine = sim.engine;
  const channelData = engine.channelData.bind(engine);
  const sendmsg = engine.sendmsg.bind(engine);
  engine.channelData = (uuid) => {
    if (!lat.connectMs.has(uuid)) lat.connectMs.set(uuid, performance.now());
    return channelData(uuid);
  };
  engine.sendmsg = (uuid, headers, body) => {
    if (!lat.firstCommandMs.has(uuid)) lat.firstCommandMs.set(uuid, performance.now());
    return sendmsg(uuid, headers, body);
  };
  return lat;
}

/** CPU time (user + system) a process has used, ms, from /proc (clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const stat = readFileSync(join('/proc', String(pid), 'stat'), 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields from the state on: utime is the 12th, stime the 13th (proc(5) fields 14 and 15)
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A Prometheus histogram's cumulative buckets, upper bound in seconds → count. */
type Buckets = Map<number, number>;

function parseBuckets(metricsText: string, name: string): Buckets {
  const buckets: Buckets = new Map();
  const re = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)$`, 'gm');
  for (const m of metricsText.matchAll(re)) buckets.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  return buckets;
}

/**
 * What the controller measured itself for the calls of one step (after − before): how many
 * calls, how many of them within the limit, and the smallest bucket bound that holds 99% of them
 * (the p99 is at most that).
 */
function ownLatency(before: Buckets, after: Buckets): { count: number; within: number; p99BoundMs: number } {
  const delta = (le: number) => (after.get(le) ?? 0) - (before.get(le) ?? 0);
  const count = delta(Infinity);
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const p99 = bounds.find((le) => delta(le) >= 0.99 * count) ?? Infinity;
  return { count, within: delta(P99_LIMIT_MS / 1000), p99BoundMs: p99 * 1000 };
}

interface Step {
  rate: number;
  /** the peer's own figures (the controller's /metrics, the echo's answer on stdout) */
  own?: { count: number; within: number; p99BoundMs: number; loopP99Ms: number };
  /** CPU per call placed, ms: this process (the simulator) and the ESL peer's process */
  simCpuMs: number;
  peerCpuMs: number;
  placed: number;
  ok: number;
  commanded: number;
  sustained: boolean;
  cmdP50: number;
  cmdP99: number;
  endP99: number;
}

/** How to read the peer's own figures, as /metrics text (the controller's /metrics; the echo's answer on stdout). */
type OwnMetrics = (() => Promise<string>) | undefined;

/** The echo process answers a "metrics" line on its stdin with metrics text ending in "# EOF". */
function echoMetrics(echo: ChildProcess): () => Promise<string> {
  let text = '';
  let waiting: ((text: string) => void) | undefined;
  echo.stdout!.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    const end = text.indexOf('# EOF\n');
    if (end < 0 || !waiting) return;
    const answer = text.slice(0, end);
    text = text.slice(end + 6);
    const resolve = waiting;
    waiting = undefined;
    resolve(answer);
  });
  return () =>
    new Promise<string>((resolve) => {
      waiting = resolve;
      echo.stdin!.write('metrics\n');
    });
}
const FIRST_COMMAND = 'cti_esl_first_command_seconds';
/**
 * prom-client's event-loop delay p99; each /metrics read resets it, so the read after a step
 * covers the step. It samples the loop every 10 ms (its eventLoopMonitoringPrecision) and reports
 * each whole interval, so an idle loop shows about 10 ms; the delay is what exceeds that.
 */
const LOOP_P99 = 'cti_nodejs_eventloop_lag_p99_seconds';
const LOOP_SAMPLE_MS = 10;

async function runStep(
  sim: Simulator,
  lat: Latency,
  peerPid: number,
  rate: number,
  stepS: number,
  withinS: number,
  call: (i: number) => PlaceCall,
  idle: () => Promise<boolean>,
  ownMetrics: OwnMetrics,
): Promise<Step> {
  const before = ownMetrics ? parseBuckets(await ownMetrics(), FIRST_COMMAND) : undefined;
  const cpu0 = { sim: processCpuMs(process.pid), peer: processCpuMs(peerPid) };
  const expectedS = call(0).hangupAfterS ?? 0;
  const uuids: string[] = [];
  const endMs: number[] = [];
  const endings: Array<Promise<void>> = [];
  const total = Math.round(rate * stepS);
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 1) await sleep(wait);
    const at = performance.now();
    const ch = sim.engine.placeCall(call(i));
    uuids.push(ch.uuid);
    endings.push(ch.destroyed.then(() => void endMs.push(performance.now() - at)));
  }
  await Promise.race([Promise.all(endings), sleep((expectedS + withinS) * 1000)]);
  const limitMs = (expectedS + withinS) * 1000;
  const cmd: number[] = [];
  for (const uuid of uuids) {
    const c = lat.connectMs.get(uuid);
    const f = lat.firstCommandMs.get(uuid);
    if (c !== undefined && f !== undefined) cmd.push(f - c);
  }
  const drainEnd = performance.now() + DRAIN_S * 1000;
  while ((sim.engine.channels.length > 0 || !(await idle())) && performance.now() < drainEnd) await sleep(50);
  const ok = endMs.filter((ms) => ms <= limitMs).length;
  const cmdP99 = percentile(cmd, 99);
  const after = before && ownMetrics ? await ownMetrics() : undefined;
  const own =
    before && after !== undefined
      ? { ...ownLatency(before, parseBuckets(after, FIRST_COMMAND)), loopP99Ms: Math.max(0, metricSample(after, LOOP_P99) * 1000 - LOOP_SAMPLE_MS) }
      : undefined;
  // The limit applies to the peer's own clock: "received" and "sent" are its reads and
  // writes. The simulator-side figure also holds the simulator's own delay in reading the command.
  // Stricter than the span alone: a peer whose event loop lags could read CHANNEL_DATA late
  // and still show a short span, so its loop delay must stay under the limit too.
  const ownOk = !own || (own.count === total && own.within >= 0.99 * total && own.loopP99Ms <= P99_LIMIT_MS);
  return {
    ...(own ? { own } : {}),
    rate,
    placed: total,
    simCpuMs: (processCpuMs(process.pid) - cpu0.sim) / total,
    peerCpuMs: (processCpuMs(peerPid) - cpu0.peer) / total,
    ok,
    commanded: cmd.length,
    sustained: ok === total && cmd.length === total && ownOk,
    cmdP50: percentile(cmd, 50),
    cmdP99,
    endP99: percentile(endMs, 99),
  };
}

function ownText(own: NonNullable<Step['own']>): string {
  const bound = Number.isFinite(own.p99BoundMs) ? `≤ ${fmt(own.p99BoundMs, own.p99BoundMs < 1 ? 1 : 0)} ms` : '> 1 s';
  return `${bound} (${fmt((100 * own.within) / Math.max(1, own.count), 1)}%)`;
}

function stepLine(s: Step, why: string): string {
  return (
    `  ${String(s.rate).padStart(6)}  ${String(s.placed).padStart(6)}  ${String(s.ok).padStart(8)}  ${String(s.commanded).padStart(9)}  ` +
    `${`${fmt(s.cmdP50, 1)} / ${fmt(s.cmdP99, 1)}`.padStart(13)}  ${(s.own ? ownText(s.own) : '–').padStart(17)}  ${(s.own ? fmt(s.own.loopP99Ms, 1) : '–').padStart(8)}  ${fmt(s.endP99, 0).padStart(9)}  ${`${fmt(s.simCpuMs, 2)} / ${fmt(s.peerCpuMs, 2)}`.padStart(13)}${s.sustained ? '' : `  ← not sustained${why}`}`
  );
}

/**
 * Steps past the last given rate, for a peer that sustained it: a baseline that passed its top
 * step has not shown its ceiling, and a ratio against that step would flatter the controller.
 */
const EXTRA_STEPS = 3;

async function runSeries(
  label: string,
  sim: Simulator,
  lat: Latency,
  peerPid: number,
  rates: number[],
  stepS: number,
  withinS: number,
  call: (i: number) => PlaceCall,
  idle: () => Promise<boolean>,
  ownMetrics: OwnMetrics,
  deadline: number,
  climbPastTop = false,
): Promise<{ best?: Step; completed?: Step; passed: number[]; ceilingShown: boolean }> {
  line(`${label}`);
  line(`  rate/s  placed  ok≤limit  commanded  sim-side p50/p99 ms  own p99 (≤${P99_LIMIT_MS} ms)  loop p99  ended p99  CPU ms/call sim/peer`);
  let best: Step | undefined;
  let completed: Step | undefined;
  const passed: number[] = [];
  let chain = true;
  let ceilingShown = false;
  const extra = function* (): Generator<number> {
    yield* rates;
    let rate = rates[rates.length - 1]!;
    for (let i = 0; i < EXTRA_STEPS && climbPastTop && chain && best?.rate === rate; i++) {
      rate = Math.round((rate * 1.25) / 100) * 100;
      yield rate;
    }
  };
  for (const rate of extra()) {
    if (performance.now() + (stepS + withinS + 2) * 1000 > deadline) {
      line(`  (stopped before ${rate}/s: time budget)`);
      break;
    }
    const s = await runStep(sim, lat, peerPid, rate, stepS, withinS, call, idle, ownMetrics);
    const why =
      s.ok < s.placed
        ? ' (calls over the limit)'
        : s.commanded < s.placed
          ? ' (calls without a command)'
          : s.own && s.own.loopP99Ms > P99_LIMIT_MS
            ? ` (loop p99 > ${P99_LIMIT_MS} ms)`
            : ` (p99 > ${P99_LIMIT_MS} ms)`;
    line(stepLine(s, why));
    if (!s.sustained) ceilingShown = true;
    // keep climbing while every call completes and is commanded, to show where completion fails too
    if (s.ok < s.placed || s.commanded < s.placed) break;
    completed = s;
    if (!s.sustained) chain = false;
    else passed.push(s.rate);
    if (chain) best = s;
  }
  return { best, completed, passed, ceilingShown };
}

const mb = (bytes: number) => bytes / 1024 / 1024;

/** Seconds of each WAV in `dir` (by file name), from its RIFF header: data bytes / byte rate. */
function promptLengths(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.wav'))) {
    const wav = readFileSync(join(dir, name));
    let byteRate = 0;
    for (let at = 12; at + 8 <= wav.length; ) {
      const id = wav.toString('latin1', at, at + 4);
      const size = wav.readUInt32LE(at + 4);
      if (id === 'fmt ') byteRate = wav.readUInt32LE(at + 16);
      if (id === 'data' && byteRate > 0) out[name] = size / byteRate;
      at += 8 + size + (size % 2);
    }
  }
  return out;
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'step-s': { type: 'string' },
      'within-s': { type: 'string' },
      rates: { type: 'string' },
      'hold-cap': { type: 'string' },
      'hold-rate': { type: 'string' },
      'max-total-s': { type: 'string' },
    },
  });
  const stepS = Number(values['step-s'] ?? 3);
  const withinS = Number(values['within-s'] ?? 2);
  const rates = (values.rates ?? '25,50,100,150,200,250,300,400,500,600,800').split(',').map(Number);
  const holdCap = Number(values['hold-cap'] ?? 6000);
  const holdRate = Number(values['hold-rate'] ?? 120);
  const began = performance.now();
  const deadline = began + Number(values['max-total-s'] ?? 230) * 1000;
  const engineOpts = {
    seed: 1,
    gateways: ['telecom-trunk', 'police-110'],
    globals: { domain_name: '127.0.0.1', sounds_dir: '/usr/share/freeswitch/sounds', recordings_dir: '/var/lib/freeswitch/recordings' },
    // Every prompt plays for the length of the WAV the project ships: hold music is 8.4 s, so a
    // caller held for a minute hears it seven times, not two hundred.
    prompts: promptLengths(join(ROOT, 'ivr-prompts/cti/8000')),
  };
  const from = (i: number) => `1380000${String(i % 10000).padStart(4, '0')}`;

  line(
    `call-controller benchmark — ${new Date().toISOString()}, node ${process.version}, loopback; simulator here, echo and controller each in a process of its own`,
  );
  const prompts = engineOpts.prompts;
  line(`  prompts play for the length of the shipped WAVs (${Object.keys(prompts).length} files; hold music ${fmt(prompts['hold-music.wav'] ?? NaN, 1)} s)`);
  line(
    `  steps of ${stepS} s; sustained = every call ended within ${withinS} s of its expected end and got its first command, and p99 of CHANNEL_DATA received → first sendmsg written ≤ ${P99_LIMIT_MS} ms`,
  );
  line(`  and the peer's event-loop delay p99 ≤ ${P99_LIMIT_MS} ms; the same test for the echo and the controller,`);
  line(
    '  on the peer\'s own clock (its cti_esl_first_command_seconds histogram; "≤ b ms" is the bucket bound holding 99% of the step\'s calls, with the share within the limit).',
  );
  line(
    '  "sim-side" is the same span seen from the simulator (reply written → command read): it adds loopback and the simulator\'s own lag, so it grows once the simulator is saturated.',
  );
  line(
    '  "loop p99" is the peer\'s event-loop delay p99 over the step, ms: how long a CHANNEL_DATA could wait in its socket before being read, which the own clock does not see.',
  );

  // 1. Baseline: the minimal ESL echo.
  const echo = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/bench/echo-process.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [portLine] = (await once(echo.stdout!, 'data')) as [Buffer];
  const echoPort = Number(String(portLine).trim());
  const echoSim = await startSimulator({
    eslPort: 0,
    dialplanDir: join(ROOT, 'dialplan'),
    controller: { host: '127.0.0.1', port: echoPort },
    engine: engineOpts,
  });
  let echoBest: Step | undefined;
  let echoCeilingShown = false;
  let ctlCompleted: Step | undefined;
  try {
    const lat = instrument(echoSim);
    ({ best: echoBest, ceilingShown: echoCeilingShown } = await runSeries(
      'baseline: minimal ESL echo (answer, hang up)',
      echoSim,
      lat,
      echo.pid!,
      rates,
      stepS,
      withinS,
      (i) => ({ from: from(i), to: '12345' }),
      async () => true,
      echoMetrics(echo),
      deadline - 140_000,
      true,
    ));
  } finally {
    await echoSim.stop();
    echo.stdin!.end();
  }

  // 2. The real controller, 12 agents logged in and ready.
  const dir = mkdtempSync(join(tmpdir(), 'cti-bench-calls-'));
  const eslPort = await freePort();
  const seats = Array.from({ length: 12 }, (_, i) => String(1001 + i));
  const sim = await startSimulator({
    eslPort: 0,
    dialplanDir: join(ROOT, 'dialplan'),
    controller: { host: '127.0.0.1', port: eslPort },
    engine: { ...engineOpts, agents: seats.map((id) => ({ id, answerAfterS: 0.5, talkS: 600 })) },
  });
  let server: ControllerProcess | undefined;
  let ctlBest: Step | undefined;
  let ctlPassed: number[] = [];
  let hold:
    | { placed: number; held: number; waiting: number; heapMb: number; rssMb: number; heapPerCallKb: number; rssPerCallKb: number; placeS: number }
    | undefined;
  try {
    server = await startControllerProcess(
      ROOT,
      {
        FS_PORT: String(sim.port),
        CTI_DB: join(dir, 'cti.sqlite'),
        CTI_HTTP_PORT: String(await freePort()),
        CTI_ESL_PORT: String(eslPort),
        CTI_LOG_LEVEL: 'error',
      },
      { username: 'bench-admin', password: PASSWORD },
    );
    const srv = server;
    let token = '';
    for (const seat of seats) {
      const made = await srv.request('POST', '/api/admin/users', { username: `op${seat}`, password: PASSWORD, role: 'agent' });
      if (made.status !== 201) throw new Error(`user op${seat}: ${made.status} ${JSON.stringify(made.body)}`);
      token = await srv.login(`op${seat}`, PASSWORD);
      for (const action of ['login', 'ready']) {
        const res = await srv.request('POST', `/api/agents/${seat}/${action}`, undefined, token);
        if (res.status >= 300) throw new Error(`agent ${seat} ${action}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    // /api/health (the admin's token), not /metrics: a scrape computes the report gauges, too heavy to poll every 50 ms
    const active = async () => (await srv.request('GET', '/api/health')).body.calls_in_progress as number;
    const until = performance.now() + 10_000;
    while ((await srv.metric('cti_freeswitch_connected')) !== 1 && performance.now() < until) await sleep(50);
    if ((await srv.metric('cti_freeswitch_connected')) !== 1) throw new Error('the controller did not connect to the simulator');

    const lat = instrument(sim);
    ({
      best: ctlBest,
      completed: ctlCompleted,
      passed: ctlPassed,
    } = await runSeries(
      'controller: real server, 12 agents ready; callers press 1 at 0.2 s, hang up at 1 s',
      sim,
      lat,
      srv.pid,
      rates,
      stepS,
      withinS,
      (i) => ({ from: from(i), to: '12345', dtmf: [{ at_s: 0.2, digits: '1' }], hangupAfterS: 1 }),
      async () => (await active()) === 0,
      async () => (await srv.request('GET', '/metrics')).body as string,
      deadline - 105_000,
    ));

    // 3. Concurrency: calls that stay in the IVR and the queue.
    const queued = async () => (await srv.request('GET', '/api/queues', undefined, token)).body.waiting as number;
    const heap = () => srv.metric('cti_nodejs_heap_size_used_bytes');
    const m0 = { rss: srv.rss(), heapUsed: await heap() };
    const held0 = await active();
    // 90 s: the simulator shares this process and places held calls at 75–90/s once it is busy,
    // so 60 s could stop short of 5,000 calls while the controller kept up with every one
    const holdBudgetMs = Math.min(90_000, deadline - performance.now() - 8_000);
    const started = performance.now();
    let placed = 0;
    let maxHeld = 0;
    let lastCheck = started;
    let stopped = placed >= holdCap ? 'cap' : 'time budget';
    while (placed < holdCap && performance.now() - started < holdBudgetMs) {
      const wait = started + (placed * 1000) / holdRate - performance.now();
      if (wait > 1) await sleep(wait);
      sim.engine.placeCall({ from: from(placed), to: '12345', dtmf: [{ at_s: 0.2, digits: '1' }], hangupAfterS: 3600, patienceS: 3600 });
      placed++;
      if (performance.now() - lastCheck > 250) {
        lastCheck = performance.now();
        const now = (await active()) - held0;
        maxHeld = Math.max(maxHeld, now);
        // the machine struggles when more than 2 s worth of placed calls have no controller flow yet
        if (placed - now > 2 * holdRate) {
          stopped = 'controller backlog over 2 s of calls';
          break;
        }
      }
    }
    const placeS = (performance.now() - started) / 1000;
    if (placed >= holdCap) stopped = 'cap';
    // let the last calls reach the controller and the queue
    const settle = performance.now() + 5_000;
    while ((await active()) - held0 < placed && performance.now() < settle) await sleep(100);
    await sleep(500);
    const held = (await active()) - held0;
    maxHeld = Math.max(maxHeld, held);
    const waiting = await queued();
    const m1 = { rss: srv.rss(), heapUsed: await heap() };
    const heapGrowth = m1.heapUsed - m0.heapUsed;
    const rss = m1.rss - m0.rss;
    hold = {
      placed,
      held: maxHeld,
      waiting,
      heapMb: mb(heapGrowth),
      rssMb: mb(rss),
      heapPerCallKb: heapGrowth / 1024 / Math.max(1, held),
      rssPerCallKb: rss / 1024 / Math.max(1, held),
      placeS,
    };
    line(
      `concurrency: ${placed} calls placed at ${holdRate}/s in ${fmt(placeS, 1)} s (stopped: ${stopped}, cap ${holdCap}); held at once ${maxHeld} ` +
        `(${waiting} waiting in the queue per /api/queues, the rest in the IVR or with the 12 agents); ` +
        `controller heap +${fmt(mb(heapGrowth), 1)} MB, RSS +${fmt(mb(rss), 1)} MB`,
    );
  } finally {
    await sim.stop();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  // 4. Figures.
  line('');
  line('figures (goals printed, not asserted; 2-core machine, other work may be running)');
  const ownP99 = (st: Step) => (st.own ? `own p99 ${ownText(st.own)}; ` : '');
  line(
    `  echo baseline, highest sustained:   ${echoBest ? `${fmt(echoBest.rate)} calls/s (${ownP99(echoBest)}sim-side p99 ${fmt(echoBest.cmdP99, 1)} ms)` : 'none'}`,
  );
  line(
    `  controller, highest sustained:      ${ctlBest ? `${fmt(ctlBest.rate)} calls/s (${ownP99(ctlBest)}sim-side p99 ${fmt(ctlBest.cmdP99, 1)} ms)` : 'none'}   goal ≥ ${GOALS.rate}: ${ctlBest && ctlBest.rate >= GOALS.rate ? 'met' : 'not met'}`,
  );
  // "Highest sustained" stops at the first step that fails. A step's loop-delay p99 rests on its
  // three worst 10 ms samples, so one step can fail by chance below rates that pass; this line
  // shows every step that passed, so a reader can tell a ceiling from a stray step.
  line(`  controller, steps that passed:      ${ctlPassed.length > 0 ? `${ctlPassed.map((r) => fmt(r)).join(', ')} calls/s` : 'none'}`);
  line(
    `  controller, all calls completed:   ${ctlCompleted ? `${fmt(ctlCompleted.rate)} calls/s (${ownP99(ctlCompleted)}sim-side p99 ${fmt(ctlCompleted.cmdP99, 1)} ms; the 20 ms limit not applied)` : 'none'}`,
  );
  const ratio = echoBest && ctlBest ? ctlBest.rate / echoBest.rate : NaN;
  line(
    `  ratio controller/echo:              ${fmt(ratio, 2)}   goal ≥ ${GOALS.ratio}: ${ratio >= GOALS.ratio ? 'met' : 'not met'}${echoBest !== undefined && !echoCeilingShown ? ` (the echo passed every step it was given, up to ${fmt(echoBest.rate)}/s: its real ceiling is higher)` : ''}`,
  );
  if (hold) {
    line(
      `  concurrent calls held:              ${fmt(hold.held)} of ${fmt(hold.placed)} placed   goal ≥ ${fmt(GOALS.held)}: ${hold.held >= GOALS.held ? 'met' : `not met${hold.placed >= holdCap ? ` (capped at ${holdCap}; raise --hold-cap)` : ''}`}`,
    );
    line(
      `  memory per held call:               heap ${fmt(hold.heapPerCallKb, 1)} KB, RSS ${fmt(hold.rssPerCallKb, 1)} KB (the controller process alone; heap not collected first)`,
    );
  }
  line(`total ${fmt((performance.now() - began) / 1000, 1)} s`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv.slice(2));
