// `npm run demo`: the whole system on this machine. The FreeSWITCH simulator plays the switch
// (our generated dialplan, twelve softphones that answer after a few seconds, departments that
// answer their hotlines), the real server is its controller, simulated citizens call in
// (Poisson arrivals: 12345 with menu choices, direct numbers, parallel numbers), and agents
// open tickets for some calls. Ctrl-C stops it. Config: CTI_CONFIG or ./config, as for
// `npm start` and `npx cti`. Database: DEMO_DB or data/demo.sqlite, fresh each run: never the
// server's own (CTI_DB, server.yaml `database`), which a demo would wipe; the banner says how
// to point `npx cti` at it.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startSimulator } from '../src/sim/index.js';
import { checkListenPorts, ListenFailure, startServer } from '../src/main.js';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/logging.js';
import { UserStore } from '../src/auth/index.js';

const project = resolve(import.meta.dirname, '..');
const PASSWORD = 'demo-12345';
const CALLS_PER_HOUR = Number(process.env.DEMO_CALLS_PER_HOUR ?? 900);
const rand = (min: number, max: number) => min + Math.random() * (max - min);

const dbPath = resolve(process.env.DEMO_DB ?? join(project, 'data', 'demo.sqlite'));
const configDir = resolve(process.env.CTI_CONFIG ?? join(project, 'config'));

/** A port that cannot be opened is one line on stderr and exit 1, as for `npm start`; anything else keeps its stack. */
function failStart(err: unknown): never {
  if (!(err instanceof ListenFailure)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}

// The ports before the database: a second `npm run demo` beside a running one must stop here,
// not delete the running demo's database files under it first.
const ports = await loadConfig(configDir, { ...process.env, CTI_DB: dbPath });
if (ports.ok) await checkListenPorts(ports.config.server, configDir).catch(failStart);
for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });

const log = createLogger(process.env.CTI_LOG_LEVEL ?? 'warn');
const seats = Array.from({ length: 12 }, (_, i) => String(1001 + i));
const sim = await startSimulator({
  eslPort: 0,
  dialplanDir: join(project, 'dialplan'),
  controller: { host: '127.0.0.1', port: Number(process.env.CTI_ESL_PORT ?? 8084) },
  engine: {
    agents: seats.map((id) => ({ id, answerAfterS: { dist: 'uniform' as const, min: 1, max: 6 }, talkS: { dist: 'uniform' as const, min: 15, max: 60 } })),
    defaultHotline: { answerAfterS: { dist: 'uniform', min: 2, max: 18 }, talkS: 30 },
    gateways: ['telecom-trunk', 'police-110'],
    globals: { domain_name: '127.0.0.1', sounds_dir: '/usr/share/freeswitch/sounds', recordings_dir: '/var/lib/freeswitch/recordings' },
    defaultPromptS: 2,
  },
});
// startServer closes what it opened when a port is taken after the check; the simulator is ours to stop.
const server = await startServer(configDir, { ...process.env, FS_PORT: String(sim.port), CTI_DB: dbPath }, log).catch(async (err: unknown) => {
  await sim.stop();
  return failStart(err);
});

// The operators: an admin, a supervisor and one agent per seat, all ready (示闲).
const users = new UserStore(server.db);
const departments = new Set(server.config.current.routing.departments.keys());
await users.add({ username: 'admin', password: PASSWORD, role: 'admin' }, departments);
await users.add({ username: 'boss', password: PASSWORD, role: 'supervisor' }, departments);
// a handler and the head of the market-regulation department, for the department page
await users.add(
  { username: 'market', password: PASSWORD, role: 'dept_handler', department: 'market-regulation', displayName: '市场监管局经办人' },
  departments,
);
await users.add(
  { username: 'market-head', password: PASSWORD, role: 'dept_head', department: 'market-regulation', displayName: '市场监管局负责人' },
  departments,
);
const seatTokens = new Map<string, string>();
for (const seat of seats) {
  await users.add({ username: `op${seat}`, password: PASSWORD, role: 'agent' }, departments);
  const token = (await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `op${seat}`, password: PASSWORD } })).json().token;
  seatTokens.set(seat, token);
  for (const action of ['login', 'ready'])
    await server.app.inject({ method: 'POST', url: `/api/agents/${seat}/${action}`, headers: { authorization: `Bearer ${token}` } });
}

// Citizens: where they call and what they press.
const plan = server.config.current.routing;
const direct = plan.hotlines.filter((h) => h.mode === 'direct').map((h) => h.number);
const parallel = plan.hotlines.filter((h) => h.mode === 'parallel').map((h) => h.number);
function nextCall() {
  const r = Math.random();
  const from = `13${Math.floor(rand(100000000, 999999999))}`;
  const keys = [
    { at_s: 3, digits: ['1', '1', '1', '2', '9'][Math.floor(rand(0, 5))]! },
    { at_s: 120, digits: String(1 + Math.floor(rand(0, 3))) },
  ];
  if (r < 0.7) return { from, to: plan.centre.number, dtmf: keys, hangupAfterS: rand(60, 150), patienceS: rand(40, 120) };
  if (r < 0.9) return { from, to: direct[Math.floor(rand(0, direct.length))]!, hangupAfterS: rand(40, 120), patienceS: rand(40, 120) };
  return { from, to: parallel[Math.floor(rand(0, parallel.length))]!, hangupAfterS: rand(30, 90), patienceS: rand(40, 120) };
}
let placed = 0;
const arrivals = () => {
  sim.engine.placeCall(nextCall());
  placed++;
  timer = setTimeout(arrivals, -Math.log(1 - Math.random()) * (3_600_000 / CALLS_PER_HOUR));
};
let timer = setTimeout(arrivals, 500);

// Agents open a ticket for about half of the answered calls, dispatched to a department.
const ticketed = new Set<string>();
const deptIds = [...departments];
const tickets = setInterval(() => {
  const rows = server.db
    .prepare("SELECT id, caller, origin_hotline, department_id FROM calls WHERE outcome = 'answered' ORDER BY started_us DESC LIMIT 20")
    .all() as Array<Record<string, string | null>>;
  for (const c of rows) {
    if (ticketed.has(c.id!)) continue;
    ticketed.add(c.id!);
    if (Math.random() < 0.5) continue;
    const type = Math.random() < 0.5 ? 'consultation' : 'complaint';
    server.app.inject({
      method: 'POST',
      url: '/api/tickets',
      headers: { authorization: `Bearer ${agentToken}` },
      payload: {
        type,
        caller: c.caller,
        content: type === 'complaint' ? '市民反映小区夜间施工噪音扰民' : '咨询办理居住证所需材料',
        call_id: c.id,
        ...(c.origin_hotline ? { origin_hotline: c.origin_hotline } : {}),
        dispatch_to: c.department_id ?? deptIds[Math.floor(rand(0, deptIds.length))],
      },
    });
  }
}, 5000);
// Now and then an agent hands a caller to a parallel hotline that is open now (one-key
// transfer), so the wallboard's transfer answer rates have something to show.
async function transferOne(): Promise<void> {
  const as = (seat: string) => ({ authorization: `Bearer ${seatTokens.get(seat)}` });
  const talking = (await server.app.inject({ url: '/api/agents', headers: as('1001') })).json().items.filter((a: any) => a.state === 'on_call' && a.call_id);
  if (!talking.length || Math.random() < 0.5) return;
  const agent = talking[Math.floor(rand(0, talking.length))];
  const open = (await server.app.inject({ url: '/api/transfer/targets', headers: as(agent.seat) }))
    .json()
    .items.filter((t: any) => t.mode === 'parallel' && t.open);
  if (!open.length) return;
  const hotline = open[Math.floor(rand(0, open.length))].number;
  await server.app.inject({ method: 'POST', url: `/api/calls/${agent.call_id}/transfer`, headers: as(agent.seat), payload: { hotline, kind: 'blind' } });
}
const transfers = setInterval(() => void transferOne().catch((err) => log.warn({ err }, 'demo transfer')), 6000);
const agentToken = (await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'op1001', password: PASSWORD } })).json().token;

process.stdout.write(`
12345 CTI demo running
  wallboard:         ${server.url}/
  agent desktop:     ${server.url}/desktop/   (op1001 … op1012)
  department page:   ${server.url}/dept/      (market, market-head)
  admin:             ${server.url}/admin/     (admin)
  API and docs:      ${server.url}/docs       (password ${PASSWORD} for every user; boss is a supervisor)
  simulated FreeSWITCH: inbound ESL 127.0.0.1:${sim.port}, ${CALLS_PER_HOUR} calls per hour (DEMO_CALLS_PER_HOUR)
  config:            ${configDir}   (CTI_CONFIG)
  database:          ${dbPath}   (DEMO_DB; fresh each run)
  users on it:       CTI_CONFIG=${configDir} CTI_DB=${dbPath} npx cti user add …
Ctrl-C to stop.
`);

const stop = async () => {
  clearTimeout(timer);
  clearInterval(tickets);
  clearInterval(transfers);
  process.stdout.write(`\nstopping after ${placed} calls\n`);
  await sim.stop();
  await server.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
