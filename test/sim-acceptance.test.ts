// Acceptance of the simulator as a whole (both halves, real TCP on 127.0.0.1, the generated
// dialplan), driven by modesl 1.2.1 — an Event Socket client nobody on our team wrote — so
// that what passes here is what a stock client accepts from a FreeSWITCH:
//  - a full call: the dialplan's socket app reaches a modesl outbound server; CHANNEL_DATA,
//    answer, play_and_get_digits with the caller's DTMF, bridge to user/1001, hangup, and
//    HANGUP_COMPLETE whose *_uepoch values agree with each other and with the events;
//  - `bgapi originate` over the inbound socket to a gateway that rings past originate_timeout.
// What FreeSWITCH does in each case: docs/esl-protocol.md §3, §5, §8.
import t, { type Test } from 'tap';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import esl from 'modesl';
import { startSimulator, type Simulator } from '../src/sim/index.js';
import type { SimulatorOptions } from '../src/sim/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIALPLAN = join(ROOT, 'dialplan');

// ---------------------------------------------------------------- modesl, typed narrowly

interface ModeslEvent {
  getHeader(name: string): string | undefined;
  getBody(): string;
}
interface ModeslConnection {
  on(event: string, listener: (...args: any[]) => void): void;
  bgapi(command: string, args: string, cb: (res: ModeslEvent) => void): void;
  events(type: string, events: string, cb: (res: ModeslEvent) => void): void;
  execute(app: string, arg: string, cb: (res: ModeslEvent) => void): string;
  sendRecv(command: string, cb: (res: ModeslEvent) => void): void;
  getInfo(): ModeslEvent;
  disconnect(): void;
}
interface ModeslModule {
  Connection: new (host: string, port: number, password: string, ready: () => void) => ModeslConnection;
  Server: new (options: {
    server: import('node:net').Server;
    myevents?: boolean;
  }) => {
    on(event: 'connection::ready', listener: (conn: ModeslConnection) => void): void;
  };
}
const modesl = esl as unknown as ModeslModule;

/** Resolves with the value a callback-style call hands to its callback. */
const once = <T>(register: (cb: (value: T) => void) => void): Promise<T> => new Promise((resolve) => register(resolve));

function inboundClient(port: number): Promise<ModeslConnection> {
  return new Promise((resolve, reject) => {
    const conn: ModeslConnection = new modesl.Connection('127.0.0.1', port, 'ClueCon', () => resolve(conn));
    conn.on('error', (error: Error) => reject(error));
  });
}

async function simulator(t: Test, opts: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  const sim = await startSimulator({ eslPort: 0, dialplanDir: DIALPLAN, ...opts });
  t.teardown(() => sim.stop());
  return sim;
}

/** "NAME" or "NAME(detail)", to compare event orders. */
function label(e: ModeslEvent): string {
  const name = e.getHeader('Event-Name') ?? '?';
  const detail =
    name === 'CHANNEL_STATE'
      ? e.getHeader('Channel-State')
      : name === 'CHANNEL_CALLSTATE'
        ? e.getHeader('Channel-Call-State')
        : name === 'CHANNEL_HANGUP' || name === 'CHANNEL_HANGUP_COMPLETE'
          ? e.getHeader('Hangup-Cause')
          : name.startsWith('CHANNEL_EXECUTE')
            ? e.getHeader('Application')
            : name.startsWith('PLAYBACK')
              ? (e.getHeader('Playback-Status') ?? 'start')
              : name === 'DTMF'
                ? e.getHeader('DTMF-Digit')
                : undefined;
  return detail ? `${name}(${detail})` : name;
}

/** The *_uepoch family of a HANGUP_COMPLETE, as numbers. */
function cdr(e: ModeslEvent) {
  const n = (name: string) => Number(e.getHeader(`variable_${name}`));
  return {
    n,
    start: n('start_uepoch'),
    progressMedia: n('progress_media_uepoch'),
    answer: n('answer_uepoch'),
    bridge: n('bridge_uepoch'),
    end: n('end_uepoch'),
  };
}

// ---------------------------------------------------------------- a full call

t.test(
  'a full call through the simulator with modesl: CHANNEL_DATA, answer, play_and_get_digits with DTMF, bridge to user/1001, hangup, HANGUP_COMPLETE',
  async (t) => {
    // The controller: modesl's own outbound server, as the stock examples use it (myevents).
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const outbound = new modesl.Server({ server, myevents: true });
    const ready = once<ModeslConnection>((cb) => outbound.on('connection::ready', cb));

    const sim = await simulator(t, {
      controller: { host: '127.0.0.1', port: (server.address() as AddressInfo).port },
      engine: { agents: [{ id: '1001', answerAfterS: 0.3, talkS: 0.6 }], prompts: { 'menu.wav': 3, 'invalid.wav': 0.3 }, defaultPromptS: 0.2 },
    });
    // The caller presses 2 while the menu plays (0.3 s after it starts), as a person would.
    sim.engine.tap((event) => {
      const uuid = event.channelUuid;
      const path = event.headers.find(([n]) => n === 'Playback-File-Path')?.[1];
      if (event.name === 'PLAYBACK_START' && uuid && path?.endsWith('menu.wav')) setTimeout(() => sim.engine.channel(uuid)?.queueDtmf('2'), 300);
    });
    // A second, independent modesl client on the inbound port sees both legs end.
    const watcher = await inboundClient(sim.port);
    t.teardown(() => watcher.disconnect());
    await once<ModeslEvent>((cb) => watcher.events('json', 'CHANNEL_HANGUP_COMPLETE', cb));
    const completes: ModeslEvent[] = [];
    watcher.on('esl::event::CHANNEL_HANGUP_COMPLETE::*', (e: ModeslEvent) => completes.push(e));

    const caller = sim.engine.placeCall({ from: '13800138000', to: '12369', diversion: '12369' });
    const conn = await ready;
    const seen: ModeslEvent[] = [];
    conn.on('esl::event::**', (e: ModeslEvent) => e.getHeader('Event-Name') && seen.push(e));

    // CHANNEL_DATA: the dialplan's tags for a direct-integration hotline.
    const info = conn.getInfo();
    t.equal(info.getHeader('Unique-ID'), caller.uuid);
    t.equal(info.getHeader('Channel-Destination-Number'), '12369');
    t.equal(info.getHeader('Caller-Caller-ID-Number'), '13800138000');
    t.equal(info.getHeader('variable_cti_mode'), 'direct');
    t.equal(info.getHeader('variable_cti_origin_hotline'), '12369');
    t.equal(info.getHeader('variable_cti_department'), 'environment');
    t.equal(info.getHeader('variable_cti_priority'), '5');
    t.equal(info.getHeader('variable_socket_resume'), 'true');
    t.equal(info.getHeader('variable_sip_h_Diversion'), '<sip:12369@10.10.10.1>;reason=unconditional', 'url-decoded by modesl');
    t.equal(info.getHeader('Answer-State'), 'ringing', 'the socket app does not answer');

    t.equal(
      (await once<ModeslEvent>((cb) => conn.sendRecv('linger', cb))).getHeader('Reply-Text'),
      '+OK will linger',
      'linger: events after the hangup still come',
    );
    t.equal((await once<ModeslEvent>((cb) => conn.execute('answer', '', cb))).getHeader('Application'), 'answer');
    const menu = await once<ModeslEvent>((cb) =>
      conn.execute(
        'play_and_get_digits',
        '1 1 3 5000 # /usr/share/freeswitch/sounds/cti/menu.wav /usr/share/freeswitch/sounds/cti/invalid.wav cti_line ^[129]$ 3000',
        cb,
      ),
    );
    t.equal(menu.getHeader('variable_cti_line'), '2', 'the digit, in the variables of EXECUTE_COMPLETE');
    t.equal(menu.getHeader('variable_read_result'), 'success');
    t.equal(menu.getHeader('Application-Response'), '_none_');

    const bridged = await once<ModeslEvent>((cb) => conn.execute('bridge', 'user/1001', cb));
    t.equal(bridged.getHeader('variable_bridge_hangup_cause'), 'NORMAL_CLEARING', 'the agent hung up after talking');
    const agentLeg = seen.find((e) => e.getHeader('Event-Name') === 'CHANNEL_BRIDGE')?.getHeader('Bridge-B-Unique-ID');
    t.ok(agentLeg, 'CHANNEL_BRIDGE names the agent leg');

    const done = once<ModeslEvent>((cb) => conn.on('esl::event::CHANNEL_HANGUP_COMPLETE::*', cb));
    const closed = once<void>((cb) => conn.on('esl::end', () => cb()));
    await once<ModeslEvent>((cb) => conn.execute('hangup', 'NORMAL_CLEARING', cb));
    const complete = await done;
    conn.disconnect();
    await closed;

    const order = seen.map(label).filter((l) => /^(CHANNEL_(ANSWER|BRIDGE|UNBRIDGE|HANGUP|HANGUP_COMPLETE|EXECUTE_COMPLETE)|PLAYBACK_|DTMF)/.test(l));
    t.same(
      order,
      [
        'CHANNEL_ANSWER',
        'CHANNEL_EXECUTE_COMPLETE(answer)',
        'DTMF(2)',
        'CHANNEL_EXECUTE_COMPLETE(play_and_get_digits)',
        'CHANNEL_BRIDGE',
        'CHANNEL_UNBRIDGE',
        'CHANNEL_EXECUTE_COMPLETE(bridge)',
        'CHANNEL_HANGUP(NORMAL_CLEARING)',
        'CHANNEL_EXECUTE_COMPLETE(hangup)',
        'CHANNEL_EXECUTE_COMPLETE(socket)',
        'CHANNEL_HANGUP_COMPLETE(NORMAL_CLEARING)',
      ],
      'the caller leg as its controller saw it (myevents: this channel, and no PLAYBACK_* — they are not in the myevents set)',
    );
    t.notOk(
      seen.some((e) => e.getHeader('Unique-ID') !== caller.uuid && e.getHeader('Event-Name') !== 'BACKGROUND_JOB'),
      "no other channel's events",
    );

    // HANGUP_COMPLETE of the caller: every *_uepoch agrees with the others and with the events.
    const a = cdr(complete);
    const at = (name: string) => Number(seen.find((e) => e.getHeader('Event-Name') === name)?.getHeader('Event-Date-Timestamp'));
    t.same(complete.getHeader('Hangup-Cause'), 'NORMAL_CLEARING');
    t.equal(complete.getHeader('variable_hangup_cause'), 'NORMAL_CLEARING');
    t.ok(
      a.start > 0 && a.start <= a.progressMedia && a.progressMedia <= a.answer && a.answer <= a.bridge && a.bridge <= a.end,
      `start ≤ progress_media ≤ answer ≤ bridge ≤ end (${a.start} ${a.progressMedia} ${a.answer} ${a.bridge} ${a.end})`,
    );
    t.equal(String(a.start), complete.getHeader('Caller-Channel-Created-Time'), "start_uepoch = the profile's created time");
    t.equal(String(a.answer), complete.getHeader('Caller-Channel-Answered-Time'));
    t.equal(String(a.bridge), complete.getHeader('Caller-Channel-Bridged-Time'));
    t.equal(String(a.end), complete.getHeader('Caller-Channel-Hangup-Time'));
    t.ok(a.answer <= at('CHANNEL_ANSWER') && at('CHANNEL_ANSWER') - a.answer < 50_000, 'answered just before CHANNEL_ANSWER was fired');
    t.ok(a.bridge <= at('CHANNEL_BRIDGE') && at('CHANNEL_BRIDGE') - a.bridge < 50_000, 'bridged just before CHANNEL_BRIDGE');
    t.ok(a.end <= at('CHANNEL_HANGUP_COMPLETE'), 'ended before HANGUP_COMPLETE');
    for (const name of ['start', 'progress_media', 'answer', 'bridge', 'end']) {
      t.equal(a.n(`${name}_epoch`), Math.floor(a.n(`${name}_uepoch`) / 1e6), `${name}_epoch is ${name}_uepoch in whole seconds`);
    }
    t.equal(a.n('duration'), a.n('end_epoch') - a.n('start_epoch'));
    t.equal(a.n('billsec'), a.n('end_epoch') - a.n('answer_epoch'));
    t.equal(a.n('billusec'), a.end - a.answer);
    t.equal(a.n('uduration'), a.end - a.start);
    t.equal(a.n('waitsec'), a.n('bridge_epoch') - a.n('start_epoch'), 'waitsec is bridge − start');
    t.ok(a.end - a.bridge >= 600_000, `talked at least the agent's 0.6 s (${a.end - a.bridge} µs)`);

    // The agent's leg, seen by the watcher: created after the caller, answered before the bridge.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const b = completes.find((e) => e.getHeader('Unique-ID') === agentLeg);
    t.ok(b, "the watcher got the agent leg's HANGUP_COMPLETE");
    if (b) {
      const leg = cdr(b);
      t.equal(b.getHeader('variable_dialed_user'), '1001');
      t.ok(
        leg.start >= a.answer && leg.answer >= leg.start + 300_000 && leg.answer <= a.bridge && leg.end <= a.end,
        'B created after A answered, answered ≥ 0.3 s later, before the bridge, ended before A',
      );
      t.equal(leg.n('billusec'), leg.end - leg.answer);
      t.equal(
        a.n('progress_uepoch'),
        leg.n('progress_uepoch'),
        "the agent leg's 180 is copied to its originator as progress (switch_channel.c mark_ring_ready)",
      );
    }
    t.ok(
      completes.some((e) => e.getHeader('Unique-ID') === caller.uuid),
      "and the caller's",
    );
  },
);

// ---------------------------------------------------------------- originate NO_ANSWER over the wire

t.test('bgapi originate to a gateway that rings past originate_timeout: -ERR NO_ANSWER and the events, over the inbound socket with modesl', async (t) => {
  const sim = await simulator(t, { engine: { hotlines: { '12315': { answerAfterS: 5, earlyMedia: false } } } });
  const conn = await inboundClient(sim.port);
  t.teardown(() => conn.disconnect());
  const names =
    'CHANNEL_OUTGOING CHANNEL_CREATE CHANNEL_ORIGINATE CHANNEL_STATE CHANNEL_CALLSTATE CHANNEL_PROGRESS ' +
    'CHANNEL_PROGRESS_MEDIA CHANNEL_ANSWER CHANNEL_HANGUP CHANNEL_HANGUP_COMPLETE CHANNEL_DESTROY';
  t.equal((await once<ModeslEvent>((cb) => conn.events('plain', names, cb))).getHeader('Reply-Text'), '+OK event listener enabled plain');
  const seen: ModeslEvent[] = [];
  conn.on('esl::event::**', (e: ModeslEvent) => e.getHeader('Event-Name') && seen.push(e));

  const started = Date.now();
  const job = await once<ModeslEvent>((cb) => conn.bgapi('originate', '{originate_timeout=1}sofia/gateway/telecom-trunk/12315 &park()', cb));
  const took = Date.now() - started;
  t.equal(job.getBody(), '-ERR NO_ANSWER\n', 'the BACKGROUND_JOB body');
  t.equal(job.getHeader('Job-Command'), 'originate');
  t.equal(job.getHeader('Job-Command-Arg'), '{originate_timeout=1}sofia/gateway/telecom-trunk/12315 &park()');
  t.ok(took >= 1000 && took < 3000, `the job ends when the timeout expires (${took} ms)`);

  t.same(
    seen.map(label),
    [
      'CHANNEL_OUTGOING',
      'CHANNEL_STATE(CS_INIT)',
      'CHANNEL_CREATE',
      'CHANNEL_ORIGINATE',
      'CHANNEL_STATE(CS_ROUTING)',
      'CHANNEL_STATE(CS_CONSUME_MEDIA)',
      'CHANNEL_PROGRESS',
      'CHANNEL_CALLSTATE(RINGING)',
      'CHANNEL_HANGUP(NO_ANSWER)',
      'CHANNEL_STATE(CS_HANGUP)',
      'CHANNEL_CALLSTATE(HANGUP)',
      'CHANNEL_STATE(CS_REPORTING)',
      'CHANNEL_HANGUP_COMPLETE(NO_ANSWER)',
      'CHANNEL_DESTROY',
      'CHANNEL_STATE(CS_DESTROY)',
      'BACKGROUND_JOB',
    ],
    'one leg rung and hung up NO_ANSWER, destroyed, then the job (docs/esl-protocol.md §8.1 "failure after the leg exists")',
  );
  const leg = seen[0]?.getHeader('Unique-ID');
  t.ok(
    seen.slice(0, -1).every((e) => e.getHeader('Unique-ID') === leg),
    'every channel event is about that one leg',
  );
  t.equal(seen[0]?.getHeader('Call-Direction'), 'outbound');
  t.equal(seen[0]?.getHeader('Caller-Destination-Number'), '12315');
  const complete = seen.find((e) => e.getHeader('Event-Name') === 'CHANNEL_HANGUP_COMPLETE')!;
  t.equal(complete.getHeader('variable_hangup_cause_q850'), '19');
  t.equal(complete.getHeader('variable_answer_uepoch'), '0', 'never answered: 0');
  t.equal(complete.getHeader('variable_sip_gateway_name'), 'telecom-trunk');
  t.ok(Number(complete.getHeader('variable_progress_uepoch')) >= Number(complete.getHeader('variable_start_uepoch')), 'it rang');
  const stamps = seen.map((e) => Number(e.getHeader('Event-Date-Timestamp')));
  t.ok(
    stamps.every((s, i) => i === 0 || s >= stamps[i - 1]!),
    'Event-Date-Timestamp never goes back',
  );
  t.equal(sim.engine.channels.length, 0, 'nothing left on the switch');
});
