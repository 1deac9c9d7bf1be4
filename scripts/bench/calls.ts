// Call-controller benchmark: `npm run bench -- calls`. The simulator offers calls to 12345 at
// rising rates, first to the minimal ESL echo of sim.ts (connect, myevents, answer, hangup: no
// logic), then to the real controller (`npm start` in its own process, 12 agents logged in and
// ready through its API). Echo and controller each run in a process of their own, as a
// controller beside FreeSWITCH would, so that each has a core apart from the simulator's. Callers of the controller press 1 at 0.2 s and hang up at 1 s, so calls go through the
// menu into the queue and do not pile up on 12 agents. A rate is sustained when every call ended
// within --within-s of its expected end (echo: of being placed; controller: of the caller's
// hang-up) and, for the controller, every call got its first command and the p99 of
// "CHANNEL_DATA → first command" is under 20 ms. That latency is taken on the simulator side:
// from the session computing the CHANNEL_DATA reply to `connect` to the first `sendmsg` it
// receives for the call (so it includes loopback and the simulator's reading of the command).
// Then calls that stay (no free agent: they wait in the queue) are placed at a steady rate up
// to --hold-cap, and the calls held at once (the controller's cti_calls_in_progress) and the
// controller process's RSS and heap growth per held call are reported. Goals are printed, not asserted (DESIGN.md §6).
// Run: npm run bench -- calls [--step-s 3] [--within-s 2] [--rates 25,50,100,150,200,300,400]
//                              [--hold-cap 2000] [--hold-rate 200] [--max-total-s 110]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startSimulator, type Simulator, type PlaceCall } from '../../src/sim/index.js';
import { percentile } from './sim.js';
import { startControllerProcess, type ControllerProcess } from './controller-process.js';

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

interface Step {
  rate: number;
  placed: number;
  ok: number;
  commanded: number;
  sustained: boolean;
  cmdP50: number;
  cmdP99: number;
  endP99: number;
}

async function runStep(sim: Simulator, lat: Latency, rate: number, stepS: number, withinS: number, call: (i: number) => PlaceCall, idle: () => Promise<boolean>, needP99: boolean): Promise<Step> {
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
  return {
    rate, placed: total, ok, commanded: cmd.length,
    sustained: ok === total && cmd.length === total && (!needP99 || cmdP99 < P99_LIMIT_MS),
    cmdP50: percentile(cmd, 50), cmdP99, endP99: percentile(endMs, 99),
  };
}

function stepLine(s: Step, why: string): string {
  return `  ${String(s.rate).padStart(6)}  ${String(s.placed).padStart(6)}  ${String(s.ok).padStart(8)}  ${String(s.commanded).padStart(9)}  `
    + `${`${fmt(s.cmdP50, 1)} / ${fmt(s.cmdP99, 1)}`.padStart(24)}  ${fmt(s.endP99, 0).padStart(16)}${s.sustained ? '' : `  ← not sustained${why}`}`;
}

async function runSeries(label: string, sim: Simulator, lat: Latency, rates: number[], stepS: number, withinS: number, call: (i: number) => PlaceCall, idle: () => Promise<boolean>, needP99: boolean, deadline: number): Promise<{ best?: Step; completed?: Step }> {
  line(`${label}`);
  line('  rate/s  placed  ok≤limit  commanded  CHANNEL_DATA→1st cmd p50/p99 ms  placed→ended p99 ms');
  let best: Step | undefined;
  let completed: Step | undefined;
  let chain = true;
  for (const rate of rates) {
    if (performance.now() + (stepS + withinS + 2) * 1000 > deadline) {
      line(`  (stopped before ${rate}/s: time budget)`);
      break;
    }
    const s = await runStep(sim, lat, rate, stepS, withinS, call, idle, needP99);
    const why = s.ok < s.placed ? ' (calls over the limit)' : s.commanded < s.placed ? ' (calls without a command)' : ` (p99 ≥ ${P99_LIMIT_MS} ms)`;
    line(stepLine(s, why));
    // keep climbing while every call completes and is commanded, to show where completion fails too
    if (s.ok < s.placed || s.commanded < s.placed) break;
    completed = s;
    if (!s.sustained) chain = false;
    if (chain) best = s;
  }
  return { best, completed };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'step-s': { type: 'string' }, 'within-s': { type: 'string' }, rates: { type: 'string' },
      'hold-cap': { type: 'string' }, 'hold-rate': { type: 'string' }, 'max-total-s': { type: 'string' },
    },
  });
  const stepS = Number(values['step-s'] ?? 3);
  const withinS = Number(values['within-s'] ?? 2);
  const rates = (values.rates ?? '25,50,100,150,200,300,400').split(',').map(Number);
  const holdCap = Number(values['hold-cap'] ?? 2000);
  const holdRate = Number(values['hold-rate'] ?? 200);
  const began = performance.now();
  const deadline = began + Number(values['max-total-s'] ?? 110) * 1000;
  const engineOpts = {
    seed: 1,
    gateways: ['telecom-trunk', 'police-110'],
    globals: { domain_name: '127.0.0.1', sounds_dir: '/usr/share/freeswitch/sounds', recordings_dir: '/var/lib/freeswitch/recordings' },
    defaultPromptS: 0.3,
  };
  const from = (i: number) => `1380000${String(i % 10000).padStart(4, '0')}`;

  line(`call-controller benchmark — ${new Date().toISOString()}, node ${process.version}, loopback; simulator here, echo and controller each in a process of its own`);
  line(`  steps of ${stepS} s; sustained = every call ended within ${withinS} s of its expected end, and (controller) every call commanded with p99 CHANNEL_DATA→1st cmd < ${P99_LIMIT_MS} ms`);

  // 1. Baseline: the minimal ESL echo.
  const echo = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/bench/echo-process.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [portLine] = (await once(echo.stdout!, 'data')) as [Buffer];
  const echoPort = Number(String(portLine).trim());
  const echoSim = await startSimulator({ eslPort: 0, dialplanDir: join(ROOT, 'dialplan'), controller: { host: '127.0.0.1', port: echoPort }, engine: engineOpts });
  let echoBest: Step | undefined;
  let ctlCompleted: Step | undefined;
  try {
    const lat = instrument(echoSim);
    ({ best: echoBest } = await runSeries('baseline: minimal ESL echo (answer, hang up)', echoSim, lat, rates, stepS, withinS, (i) => ({ from: from(i), to: '12345' }), async () => true, false, deadline - 45_000));
  } finally {
    await echoSim.stop();
    echo.stdin!.end();
  }

  // 2. The real controller, 12 agents logged in and ready.
  const dir = mkdtempSync(join(tmpdir(), 'cti-bench-calls-'));
  const eslPort = await freePort();
  const seats = Array.from({ length: 12 }, (_, i) => String(1001 + i));
  const sim = await startSimulator({
    eslPort: 0, dialplanDir: join(ROOT, 'dialplan'), controller: { host: '127.0.0.1', port: eslPort },
    engine: { ...engineOpts, agents: seats.map((id) => ({ id, answerAfterS: 0.5, talkS: 600 })) },
  });
  let server: ControllerProcess | undefined;
  let ctlBest: Step | undefined;
  let hold: { placed: number; held: number; waiting: number; heapMb: number; rssMb: number; heapPerCallKb: number; rssPerCallKb: number; placeS: number } | undefined;
  try {
    server = await startControllerProcess(ROOT, {
      FS_PORT: String(sim.port), CTI_DB: join(dir, 'cti.sqlite'), CTI_HTTP_PORT: String(await freePort()), CTI_ESL_PORT: String(eslPort), CTI_LOG_LEVEL: 'error',
    }, { username: 'bench-admin', password: PASSWORD });
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
    // /healthz, not /metrics: a scrape computes the report gauges, too heavy to poll every 50 ms
    const active = async () => (await srv.request('GET', '/healthz')).body.calls_in_progress as number;
    const until = performance.now() + 10_000;
    while ((await srv.metric('cti_freeswitch_connected')) !== 1 && performance.now() < until) await sleep(50);
    if ((await srv.metric('cti_freeswitch_connected')) !== 1) throw new Error('the controller did not connect to the simulator');

    const lat = instrument(sim);
    ({ best: ctlBest, completed: ctlCompleted } = await runSeries('controller: real server, 12 agents ready; callers press 1 at 0.2 s, hang up at 1 s', sim, lat, rates, stepS, withinS,
      (i) => ({ from: from(i), to: '12345', dtmf: [{ at_s: 0.2, digits: '1' }], hangupAfterS: 1 }), async () => (await active()) === 0, true, deadline - 35_000));

    // 3. Concurrency: calls that stay in the IVR and the queue.
    const queued = async () => (await srv.request('GET', '/api/queues', undefined, token)).body.waiting as number;
    const heap = () => srv.metric('cti_nodejs_heap_size_used_bytes');
    const m0 = { rss: srv.rss(), heapUsed: await heap() };
    const held0 = await active();
    const holdBudgetMs = Math.min(30_000, deadline - performance.now() - 8_000);
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
    hold = { placed, held: maxHeld, waiting, heapMb: mb(heapGrowth), rssMb: mb(rss), heapPerCallKb: heapGrowth / 1024 / Math.max(1, held), rssPerCallKb: rss / 1024 / Math.max(1, held), placeS };
    line(`concurrency: ${placed} calls placed at ${holdRate}/s in ${fmt(placeS, 1)} s (stopped: ${stopped}, cap ${holdCap}); held at once ${maxHeld} `
      + `(${waiting} waiting in the queue per /api/queues, the rest in the IVR or with the 12 agents); `
      + `controller heap +${fmt(mb(heapGrowth), 1)} MB, RSS +${fmt(mb(rss), 1)} MB`);
  } finally {
    await sim.stop();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  // 4. Figures.
  line('');
  line('figures (goals printed, not asserted; 2-core machine, other work may be running)');
  line(`  echo baseline, highest sustained:   ${echoBest ? `${fmt(echoBest.rate)} calls/s (p99 CHANNEL_DATA→1st cmd ${fmt(echoBest.cmdP99, 1)} ms)` : 'none'}`);
  line(`  controller, highest sustained:      ${ctlBest ? `${fmt(ctlBest.rate)} calls/s (p99 CHANNEL_DATA→1st cmd ${fmt(ctlBest.cmdP99, 1)} ms)` : 'none'}   goal ≥ ${GOALS.rate}: ${ctlBest && ctlBest.rate >= GOALS.rate ? 'met' : 'not met'}`);
  line(`  controller, all calls completed:   ${ctlCompleted ? `${fmt(ctlCompleted.rate)} calls/s (p99 CHANNEL_DATA→1st cmd ${fmt(ctlCompleted.cmdP99, 1)} ms, not counting the 20 ms limit)` : 'none'}`);
  const ratio = echoBest && ctlBest ? ctlBest.rate / echoBest.rate : NaN;
  const top = rates[rates.length - 1]!;
  line(`  ratio controller/echo:              ${fmt(ratio, 2)}   goal ≥ ${GOALS.ratio}: ${ratio >= GOALS.ratio ? 'met' : 'not met'}${echoBest?.rate === top ? ` (echo reached the top step, ${top}/s: its real ceiling is higher)` : ''}`);
  if (hold) {
    line(`  concurrent calls held:              ${fmt(hold.held)} of ${fmt(hold.placed)} placed   goal ≥ ${fmt(GOALS.held)}: ${hold.held >= GOALS.held ? 'met' : `not met${hold.placed >= holdCap ? ` (capped at ${holdCap}; raise --hold-cap)` : ''}`}`);
    line(`  memory per held call:               heap ${fmt(hold.heapPerCallKb, 1)} KB, RSS ${fmt(hold.rssPerCallKb, 1)} KB (the controller process alone; heap not collected first)`);
  }
  line(`total ${fmt((performance.now() - began) / 1000, 1)} s`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv.slice(2));
