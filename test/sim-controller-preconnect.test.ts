// The generated dialplan (dialplan/) in the simulator when the controller accepts FreeSWITCH's
// TCP connection but never sends `connect`: it dies (the connection closes or is reset) or it
// hangs (the connection stays open and silent). mod_event_socket.c: the listener ends when the
// socket closes, or when no first packet came within 25 s (listener_run, read_packet(…, 25));
// with socket_resume=true, set by every routed extension, that end sets CS_RESET, so the socket
// app's park returns at once (switch_ivr.c switch_ivr_park) and `transfer cti_fallback` runs.
// A controller that did send `connect` keeps its call: nothing in the dialplan can fire later.
// The controller that dies does so over TCP; the silent one's 25 s pass on a virtual clock (the
// explorer's), over in-memory connections, so that the wait costs what its events cost.
import t, { type Test } from 'tap';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { SimEvent } from '../src/sim/contracts.js';
import { OUTBOUND_FIRST_PACKET_S } from '../src/dialplan/index.js';
import { startSimulator, type Simulator } from '../src/sim/index.js';
import { DIALPLAN, header, until } from './support/sim-rig.js';
import { VirtualTime } from '../scripts/explorer/virtual-time.js';
import { memoryLink } from '../scripts/explorer/memory-link.js';

/** FreeSWITCH's first-packet limit on an outbound listener, as the dialplan's header states it. */
const FIRST_PACKET_LIMIT_MS = OUTBOUND_FIRST_PACKET_S * 1000;

type Behaviour = 'close' | 'reset' | 'silent' | 'normal';

interface Seen {
  name: string;
  at: number;
  app?: string;
  data?: string;
}

/** The controller's side of one connection FreeSWITCH opened, behaving as told. */
function behave(socket: Socket, behaviour: Behaviour, received: string[]): void {
  socket.on('error', () => undefined);
  if (behaviour === 'close') socket.destroy();
  else if (behaviour === 'reset') socket.resetAndDestroy();
  else if (behaviour === 'normal') {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => received.push(chunk));
    socket.write('connect\n\n');
    socket.write('myevents\n\n');
    socket.write('linger\n\n');
    socket.write('sendmsg\ncall-command: execute\nexecute-app-name: answer\n\n');
    // The controller parking the call itself (as after a transfer attempt) must not start a timer.
    socket.write('sendmsg\ncall-command: execute\nexecute-app-name: park\n\n');
  }
}

/** A controller whose nth accepted connection behaves as behaviours[n]. */
async function controller(t: Test, behaviours: Behaviour[]) {
  const sockets: Socket[] = [];
  const received: string[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    behave(socket, behaviours.shift() ?? 'silent', received);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { port: (server.address() as AddressInfo).port, sockets, received };
}

/** The simulator sending its outbound sockets to `port`, or handing them to `outbound` (in memory). */
async function simulator(t: Test, to: number | (() => Socket)): Promise<{ sim: Simulator; seen: Map<string, Seen[]> }> {
  const sim = await startSimulator({
    dialplanDir: DIALPLAN,
    ...(typeof to === 'number' ? { eslPort: 0, controller: { host: '127.0.0.1', port: to } } : { inMemory: { outbound: to } }),
    engine: { defaultPromptS: 0.1, agents: [{ id: '1001' }] },
  });
  t.teardown(() => sim.stop());
  const seen = new Map<string, Seen[]>();
  sim.engine.tap((e: SimEvent) => {
    const uuid = header(e, 'Unique-ID');
    if (!uuid) return;
    const list = seen.get(uuid) ?? [];
    list.push({ name: e.name, at: Date.now(), app: header(e, 'Application'), data: header(e, 'Application-Data') });
    seen.set(uuid, list);
  });
  return { sim, seen };
}

const toFallback = (s: Seen) => s.name === 'CHANNEL_EXECUTE' && s.app === 'transfer' && s.data === 'cti_fallback XML public';

t.test('the controller dies after accepting (FIN or RST): the caller reaches the fallback at once, never parked', async (t) => {
  const ctl = await controller(t, ['close', 'reset']);
  const { sim, seen } = await simulator(t, ctl.port);
  for (const how of ['close', 'reset']) {
    const placed = Date.now();
    const caller = sim.engine.placeCall({ from: '13800138000', to: '12345' });
    await until(() => (seen.get(caller.uuid) ?? []).some(toFallback), 5000);
    const events = seen.get(caller.uuid)!;
    const ms = events.find(toFallback)!.at - placed;
    t.comment(`${how}: transfer to cti_fallback ${ms} ms after the call was placed`);
    t.ok(ms < 1000, `${how}: the fallback within 1 s (${ms} ms)`);
    t.notOk(
      events.some((e) => e.name === 'CHANNEL_PARK'),
      `${how}: no park before the fallback`,
    );
    await sim.engine.agent('1001').waitForRing();
    t.equal(caller.profile.destinationNumber, 'cti_fallback');
    t.ok(caller.answered, `${how}: the fallback answered the caller`);
    await sim.engine.api('uuid_kill', `${caller.uuid}`);
    await caller.destroyed;
  }
});

/**
 * The explorer's virtual clock for this process and a controller reached over in-memory links,
 * its nth connection behaving as behaviours[n]; `run` awaits a promise while the clock moves.
 */
function virtualController(t: Test, behaviours: Behaviour[]) {
  const vt = new VirtualTime(Date.parse('2026-12-09T10:00:00+08:00'));
  t.teardown(() => vt.uninstall());
  const scope = vt.scope(undefined);
  const sockets: Socket[] = [];
  const received: string[] = [];
  const open = () => {
    const { a, b } = memoryLink(40_000 + sockets.length, scope, scope);
    sockets.push(b);
    scope(() => behave(b, behaviours.shift() ?? 'silent', received));
    return a;
  };
  const run = async <T>(p: Promise<T>, limitMs = 60_000): Promise<T> => {
    let settled = false;
    const watched = p.finally(() => (settled = true));
    const end = vt.now() + limitMs;
    while (!settled && vt.now() < end) await vt.runUntil(vt.now() + 50);
    if (!settled) throw new Error(`not settled within ${limitMs} virtual ms`);
    return watched;
  };
  const until = async (what: () => boolean, limitMs = 5000) => {
    const end = vt.now() + limitMs;
    while (!what()) {
      if (vt.now() >= end) throw new Error(`not within ${limitMs} virtual ms`);
      await vt.runUntil(vt.now() + 50);
    }
  };
  return { vt, open, sockets, received, run, until };
}

t.test(
  `a silent controller: the fallback after FreeSWITCH's ${FIRST_PACKET_LIMIT_MS / 1000} s; a controller that sent \`connect\` keeps its call`,
  async (t) => {
    const ctl = virtualController(t, ['silent', 'normal']);
    const { sim, seen } = await simulator(t, ctl.open);
    const placed = Date.now();
    const silent = sim.engine.placeCall({ from: '13800138000', to: '12345' });
    await ctl.until(() => ctl.sockets.length === 1);
    const normal = sim.engine.placeCall({ from: '13800138001', to: '12345' });
    await ctl.until(() => normal.answered, 5000);

    await ctl.until(() => (seen.get(silent.uuid) ?? []).some(toFallback), FIRST_PACKET_LIMIT_MS + 5000);
    const events = seen.get(silent.uuid)!;
    const ms = events.find(toFallback)!.at - placed;
    t.comment(`silent: transfer to cti_fallback ${ms} virtual ms after the call was placed`);
    t.ok(ms >= FIRST_PACKET_LIMIT_MS && ms <= FIRST_PACKET_LIMIT_MS + 500, `silent: the fallback at the first-packet limit (${ms} ms)`);
    t.notOk(
      events.some((e) => e.name === 'CHANNEL_PARK'),
      'silent: never parked',
    );
    const answered = events.findIndex((e) => e.name === 'CHANNEL_ANSWER');
    t.ok(answered === -1 || answered > events.findIndex(toFallback), 'silent: unanswered until the fallback');
    await ctl.run(sim.engine.agent('1001').waitForRing());
    t.ok(silent.answered, 'silent: the fallback answered');

    // The connected call, placed at the same time, is still the controller's.
    const normalEvents = seen.get(normal.uuid)!;
    t.ok(normal.ready, 'normal: still up after the silent call went to the fallback');
    t.equal(normal.profile.destinationNumber, '12345', 'normal: never transferred');
    t.notOk(normalEvents.some(toFallback), 'normal: never sent to the fallback');
    t.ok(normal.has('CF_CONTROLLED'), 'normal: still parked under the socket');
    t.equal(normalEvents.filter((e) => e.name === 'CHANNEL_PARK').length, 1, "normal: the socket app's own park; the controller's `park` returned at once");
    ctl.sockets[1]!.write('sendmsg\ncall-command: hangup\nhangup-cause: NORMAL_CLEARING\n\n');
    await ctl.run(normal.destroyed);
    t.equal(normal.hangupCause, 'NORMAL_CLEARING', 'normal: ended by the controller');
    await ctl.run(sim.engine.api('uuid_kill', `${silent.uuid}`));
    await ctl.run(silent.destroyed);
    await ctl.run(sim.stop());
  },
);
