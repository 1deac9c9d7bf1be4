// Rows of docs/freeswitch-fidelity.md that named no test: each subtest here checks one row
// against what FreeSWITCH does (docs/esl-protocol.md §2, §5, §8 and the FreeSWITCH source cited
// in the table). The engine half runs with a recording bus and the generated dialplan or a
// small one written here; the protocol rows run over real TCP on 127.0.0.1.
import t from 'tap';
import { connect, type Socket } from 'node:net';
import type { SimEvent } from '../src/sim/contracts.js';
import { rig, header, variable, sleep, until, dialplanDir, parkedLeg, execute, completion, DIALPLAN } from './support/sim-rig.js';
import type { SocketConnector } from '../src/sim/engine/index.js';
import { startSimulator } from '../src/sim/index.js';

// ---------------------------------------------------------------- helpers (as in sim-engine.test.ts)

function label(e: SimEvent): string {
  const detail =
    e.name === 'CHANNEL_CALLSTATE'
      ? header(e, 'Channel-Call-State')
      : e.name.startsWith('CHANNEL_EXECUTE')
        ? header(e, 'Application')
        : e.name === 'CHANNEL_HANGUP' || e.name === 'CHANNEL_HANGUP_COMPLETE'
          ? header(e, 'Hangup-Cause')
          : e.name.startsWith('PLAYBACK')
            ? (header(e, 'Playback-Status') ?? 'start')
            : undefined;
  return detail ? `${e.name}(${detail})` : e.name;
}

const extension = (actions: string) => `
  <extension name="t"><condition field="destination_number" expression="^(\\d+)$">
    ${actions}
  </condition></extension>`;

/** A raw Event Socket client: frames as they arrive (Content-Length honoured). */
class Wire {
  private buffer = Buffer.alloc(0);
  private readonly frames: Array<{ headers: Map<string, string>; body: string }> = [];

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const end = this.buffer.indexOf('\n\n');
        if (end < 0) return;
        const headers = new Map(
          this.buffer
            .subarray(0, end)
            .toString('utf8')
            .split('\n')
            .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)] as [string, string]),
        );
        const length = Number(headers.get('Content-Length') ?? 0);
        if (this.buffer.length < end + 2 + length) return;
        this.frames.push({ headers, body: this.buffer.subarray(end + 2, end + 2 + length).toString('utf8') });
        this.buffer = this.buffer.subarray(end + 2 + length);
      }
    });
    socket.on('error', () => undefined);
  }

  static async authed(port: number): Promise<Wire> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' }, () => resolve(s));
      s.once('error', reject);
    });
    const wire = new Wire(socket);
    await wire.next();
    await wire.command('auth ClueCon\n\n');
    return wire;
  }

  async next(ms = 3000): Promise<{ headers: Map<string, string>; body: string }> {
    await until(() => this.frames.length > 0, ms);
    return this.frames.shift()!;
  }

  command(text: string) {
    this.socket.write(text);
    return this.next();
  }
}

// ---------------------------------------------------------------- ESL framing and commands

t.test("sendevent: the client's headers after Command, then Event-UUID and the common block, fired to subscribers", async (t) => {
  const sim = await startSimulator({ eslPort: 0, dialplanDir: DIALPLAN });
  t.teardown(() => sim.stop());
  const listener = await Wire.authed(sim.port);
  t.teardown(() => listener.socket.destroy());
  await listener.command('event plain CUSTOM cti::test\n\n');
  const sender = await Wire.authed(sim.port);
  t.teardown(() => sender.socket.destroy());
  const reply = await sender.command('sendevent CUSTOM\nEvent-Subclass: cti::test\nCti-Note: hello world\n\n');
  const eventUuid = reply.headers.get('Reply-Text')?.slice(4);
  t.match(reply.headers.get('Reply-Text'), /^\+OK [0-9a-f-]{36}$/, '+OK <Event-UUID> (MES ~2241)');
  const frame = await listener.next();
  const names = frame.body.split('\n').map((l) => l.slice(0, l.indexOf(':')));
  t.equal(names[0], 'Command', 'Command first');
  t.ok(names.indexOf('Cti-Note') < names.indexOf('Event-UUID'), "then the client's headers, then Event-UUID");
  t.match(frame.body, /^Command: sendevent%20CUSTOM%0AEvent-Subclass/, 'Command holds the whole header block read (read_packet)');
  t.match(frame.body, new RegExp(`\\nEvent-UUID: ${eventUuid}\\n`));
  t.match(frame.body, /\nCti-Note: hello%20world\n/, 'values url-encoded like any event');
  t.ok(names.indexOf('Event-Name') > names.indexOf('Event-UUID'), 'the common block comes after');
  t.match(frame.body, /\nEvent-Subclass: cti%3A%3Atest\n/);
});

t.test('unload/reload of mod_event_socket is turned into `api bgapi …`, answered as api/response', async (t) => {
  const sim = await startSimulator({ eslPort: 0, dialplanDir: DIALPLAN });
  t.teardown(() => sim.stop());
  const wire = await Wire.authed(sim.port);
  t.teardown(() => wire.socket.destroy());
  for (const cmd of ['reload mod_event_socket', 'api unload mod_event_socket']) {
    const frame = await wire.command(`${cmd}\n\n`);
    t.equal(frame.headers.get('Content-Type'), 'api/response', `${cmd}: an api/response, not a command/reply (MES ~1735)`);
    t.equal(frame.body, '-ERR bgapi Command not found!\n', 'the engine has no bgapi API command (a known difference)');
  }
});

t.test('reply length: a command reply is cut to 511 bytes (the 512-byte reply buffer)', async (t) => {
  const sim = await startSimulator({ eslPort: 0, dialplanDir: DIALPLAN });
  t.teardown(() => sim.stop());
  const wire = await Wire.authed(sim.port);
  t.teardown(() => wire.socket.destroy());
  const value = 'x'.repeat(600);
  const text = (await wire.command(`filter Unique-ID ${value}\n\n`)).headers.get('Reply-Text') ?? '';
  t.equal(Buffer.byteLength(text), 511);
  t.ok(text.startsWith('+OK filter added. [Unique-ID]=[xxx'), 'the start of the reply is kept');
});

// ---------------------------------------------------------------- applications

t.test("Application-Response of the socket app is the last inner app's (FILE PLAYED after a playback)", async (t) => {
  const connector: SocketConnector = { connect: async () => true };
  const r = rig(t, {
    connector,
    dialplan: dialplanDir(t, extension('<action application="socket" data="127.0.0.1:9 async full"/>')),
    prompts: { 'hello.wav': 0.1 },
  });
  const ch = r.engine.placeCall({ from: '13800138000', to: '12345' });
  await until(() => ch.sim.socket !== undefined);
  r.engine.socketConnected(ch.uuid);
  await until(() => r.of(ch.uuid).some((e) => e.name === 'CHANNEL_PARK'));
  execute(r, ch.uuid, 'playback', 'hello.wav', 'pb');
  t.equal(header(await completion(r, ch.uuid, 'pb'), 'Application-Response'), 'FILE PLAYED');
  r.engine.socketClosed(ch.uuid, false);
  await ch.destroyed;
  const socket = r.of(ch.uuid).find((e) => e.name === 'CHANNEL_EXECUTE_COMPLETE' && header(e, 'Application') === 'socket');
  t.equal(header(socket, 'Application-Response'), 'FILE PLAYED', 'current_application_response is only cleared when an app starts (trace session-5)');
});

t.test('sleep: waits; digits stay queued for the next app, or with sleep_eat_digits a terminator ends it', async (t) => {
  const r = rig(t, { prompts: { 'menu.wav': 0.1 } });
  const leg = await parkedLeg(r);
  // switch_ivr_sleep runs queued messages from its loop (switch_ivr_parse_all_events), so the
  // read is held back with event-lock on the sleep; then nothing reads digits in between.
  const started = Date.now();
  execute(r, leg.uuid, 'sleep', '400', 's1', [['event-lock', 'true']]);
  execute(r, leg.uuid, 'read', '1 1 menu.wav got 1000 #', 'r1');
  await sleep(100);
  r.engine.agent('1005').dtmf('5');
  await completion(r, leg.uuid, 's1');
  t.ok(Date.now() - started >= 390, 'slept the whole 400 ms');
  t.equal(variable(await completion(r, leg.uuid, 'r1'), 'got'), '5', 'the next app reads the queued digit');
  const names = r.of(leg.uuid).map(label);
  t.ok(
    names.indexOf('CHANNEL_EXECUTE_COMPLETE(sleep)') < names.indexOf('CHANNEL_EXECUTE(read)') && names.indexOf('CHANNEL_EXECUTE(read)') < names.indexOf('DTMF'),
    'no DTMF event during the sleep: the read took the digit',
    { names },
  );

  execute(r, leg.uuid, 'set', 'sleep_eat_digits=true', 'set');
  await completion(r, leg.uuid, 'set');
  const before = Date.now();
  execute(r, leg.uuid, 'sleep', '3000', 's2');
  await sleep(100);
  r.engine.agent('1005').dtmf('*');
  const done = await completion(r, leg.uuid, 's2');
  t.ok(Date.now() - before < 1500, 'a key in playback_terminators (default *) ends the sleep early');
  t.equal(header(done, 'Application-Response'), '_none_');
});

t.test('endless_playback: restarts after each pass and after uuid_break; ends on hangup; a missing file ends it at once', async (t) => {
  const r = rig(t, { prompts: { 'moh.wav': 0.15, 'gone.wav': null } });
  const leg = await parkedLeg(r);
  execute(r, leg.uuid, 'endless_playback', 'gone.wav', 'e0');
  t.equal(header(await completion(r, leg.uuid, 'e0'), 'Application-Response'), 'FILE NOT FOUND');
  execute(r, leg.uuid, 'endless_playback', 'moh.wav', 'e1');
  const starts = () => r.of(leg.uuid).filter((e) => e.name === 'PLAYBACK_START').length;
  await until(() => starts() >= 3);
  t.pass('the file played again after each pass');
  const before = starts();
  t.equal(await r.engine.api('uuid_break', leg.uuid), '+OK\n');
  await until(() => starts() > before);
  t.notOk(
    r.of(leg.uuid).some((e) => e.name === 'CHANNEL_EXECUTE_COMPLETE' && header(e, 'Application-UUID') === 'e1'),
    'uuid_break restarts it rather than ending it',
  );
  t.equal(await r.engine.api('uuid_kill', leg.uuid), '+OK\n');
  const done = await completion(r, leg.uuid, 'e1');
  t.equal(header(done, 'Application-Response'), 'PLAYBACK ERROR', 'cut by the hangup');
  t.ok(r.of(leg.uuid).findIndex((e) => e.name === 'CHANNEL_HANGUP') < r.of(leg.uuid).indexOf(done));
});

t.test('read: min/max digits, the terminator, read_result and read_terminator_used', async (t) => {
  const r = rig(t, { prompts: { 'menu.wav': 0.5 } });
  const leg = await parkedLeg(r);
  execute(r, leg.uuid, 'read', '1 3 menu.wav cti_got 2000 #', 'r');
  await sleep(150);
  r.engine.agent('1005').dtmf('12#');
  const done = await completion(r, leg.uuid, 'r');
  t.equal(variable(done, 'cti_got'), '12');
  t.equal(variable(done, 'read_result'), 'success');
  t.equal(variable(done, 'read_terminator_used'), '#');
  t.same(
    r
      .of(leg.uuid)
      .filter((e) => ['PLAYBACK_START', 'PLAYBACK_STOP', 'DTMF'].includes(e.name))
      .map(label),
    ['PLAYBACK_START(start)', 'DTMF', 'PLAYBACK_STOP(break)', 'DTMF', 'DTMF'],
    'the first digit breaks the prompt',
  );
});

t.test('record_session: EXECUTE_COMPLETE before RECORD_START; RECORD_STOP after CHANNEL_HANGUP with record_* variables', async (t) => {
  const r = rig(t);
  const leg = await parkedLeg(r);
  execute(r, leg.uuid, 'record_session', '/var/lib/freeswitch/recordings/cti-1.wav', 'rec');
  await completion(r, leg.uuid, 'rec');
  await until(() => r.of(leg.uuid).some((e) => e.name === 'RECORD_START'));
  await sleep(300);
  await r.engine.api('uuid_kill', leg.uuid);
  await leg.destroyed;
  const names = r.of(leg.uuid).map(label);
  const at = (name: string) => names.indexOf(name);
  t.ok(at('CHANNEL_EXECUTE_COMPLETE(record_session)') < at('RECORD_START'), 'the app returns at once; the media bug starts after');
  t.ok(
    at('CHANNEL_HANGUP(NORMAL_CLEARING)') < at('RECORD_STOP') && at('RECORD_STOP') < at('CHANNEL_HANGUP_COMPLETE(NORMAL_CLEARING)'),
    'the hangup state removes the bug',
  );
  const stop = r.of(leg.uuid).find((e) => e.name === 'RECORD_STOP');
  t.equal(header(stop, 'Record-File-Path'), '/var/lib/freeswitch/recordings/cti-1.wav');
  t.ok(Number(variable(stop, 'record_ms')) >= 250, `record_ms ${variable(stop, 'record_ms')}`);
  t.equal(variable(stop, 'record_samples'), String(Math.round(Number(variable(stop, 'record_samples')))));

  const second = await parkedLeg(r, '1006');
  execute(r, second.uuid, 'record_session', '/tmp/b.wav', 'rec2');
  await until(() => r.of(second.uuid).some((e) => e.name === 'RECORD_START'));
  execute(r, second.uuid, 'stop_record_session', '/tmp/b.wav', 'stop2');
  await completion(r, second.uuid, 'stop2');
  t.ok(
    r.of(second.uuid).some((e) => e.name === 'RECORD_STOP'),
    'stop_record_session stops it while the call goes on',
  );
  t.ok(second.ready);
});

t.test('att_xfer is not simulated: like any unknown application it hangs the channel up with DESTINATION_OUT_OF_ORDER', async (t) => {
  const r = rig(t);
  const leg = await parkedLeg(r);
  t.equal(execute(r, leg.uuid, 'att_xfer', 'user/1001', 'ax'), '+OK');
  await leg.destroyed;
  t.equal(leg.hangupCause, 'DESTINATION_OUT_OF_ORDER', 'switch_core_session_execute_application_get_flags: "Invalid Application"');
});

t.test('ring_ready, pre_answer, answer on an inbound leg: PROGRESS (RINGING), PROGRESS_MEDIA (EARLY), ANSWER (ACTIVE)', async (t) => {
  const r = rig(t, {
    dialplan: dialplanDir(
      t,
      extension(`
    <action application="ring_ready"/>
    <action application="pre_answer"/>
    <action application="answer"/>
    <action application="hangup"/>`),
    ),
  });
  const ch = r.engine.placeCall({ from: '13800138000', to: '12345' });
  await ch.destroyed;
  const all = r.of(ch.uuid).map(label);
  const names = all.slice(all.indexOf('CHANNEL_EXECUTE(ring_ready)')).filter((l) => /^CHANNEL_(PROGRESS|PROGRESS_MEDIA|ANSWER|CALLSTATE)/.test(l));
  t.ok(all.indexOf('CHANNEL_CALLSTATE(RINGING)') < all.indexOf('CHANNEL_EXECUTE(ring_ready)'), 'an inbound leg is RINGING from routing on');
  t.same(
    names.slice(0, 5),
    ['CHANNEL_PROGRESS', 'CHANNEL_PROGRESS_MEDIA', 'CHANNEL_CALLSTATE(EARLY)', 'CHANNEL_ANSWER', 'CHANNEL_CALLSTATE(ACTIVE)'],
    'ring_ready fires PROGRESS but no second RINGING callstate (same state: no event)',
  );
  const done = r.of(ch.uuid).find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
  const n = (name: string) => Number(variable(done, name));
  t.ok(n('progress_uepoch') > 0 && n('progress_uepoch') <= n('progress_media_uepoch') && n('progress_media_uepoch') <= n('answer_uepoch'));
});

t.test("a B-leg that rings moves its originator's progress time (switch_channel_perform_mark_ring_ready_value)", async (t) => {
  const r = rig(t, {
    agents: [{ id: '1001' }, { id: '1002', answerAfterS: 0.2, talkS: 0.2 }],
    dialplan: dialplanDir(
      t,
      extension(`
      <action application="bridge" data="{leg_timeout=1,ignore_early_media=true}user/1001"/>
      <action application="bridge" data="{ignore_early_media=true}user/1002"/>
      <action application="hangup"/>`),
    ),
  });
  const ch = r.engine.placeCall({ from: '13800138000', to: '12345' });
  await ch.destroyed;
  const rang = r.events.filter((e) => e.name === 'CHANNEL_PROGRESS' && header(e, 'Unique-ID') !== ch.uuid);
  t.equal(rang.length, 2, 'both softphones rang');
  const done = r.of(ch.uuid).find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
  t.equal(variable(done, 'progress_uepoch'), header(rang[1], 'Caller-Channel-Progress-Time'), 'the second ring overwrote the first');
  t.not(variable(done, 'progress_uepoch'), header(rang[0], 'Caller-Channel-Progress-Time'));
});

t.test('set, export and unset: exported variables reach the legs the channel originates', async (t) => {
  const r = rig(t, {
    agents: [{ id: '1001', answerAfterS: 0.1, talkS: 0.1 }],
    dialplan: dialplanDir(
      t,
      extension(`
      <action application="set" data="cti_local=here"/>
      <action application="export" data="cti_tag=x-1"/>
      <action application="set" data="cti_gone=soon"/>
      <action application="unset" data="cti_gone"/>
      <action application="bridge" data="user/1001"/>`),
    ),
  });
  const ch = r.engine.placeCall({ from: '13800138000', to: '12345' });
  await ch.destroyed;
  const create = r.events.find((e) => e.name === 'CHANNEL_CREATE' && header(e, 'Unique-ID') !== ch.uuid);
  t.equal(variable(create, 'cti_tag'), 'x-1', 'the B-leg inherits the exported variable');
  t.equal(variable(create, 'cti_local'), undefined, 'but not a plain set');
  const done = r.of(ch.uuid).find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
  t.equal(variable(done, 'export_vars'), 'cti_tag');
  t.equal(variable(done, 'cti_gone'), undefined, 'unset');
  const setDone = r.of(ch.uuid).find((e) => e.name === 'CHANNEL_EXECUTE_COMPLETE' && header(e, 'Application') === 'set');
  t.equal(variable(setDone, 'cti_local'), 'here', "the new value is already in the set's own EXECUTE_COMPLETE");
});

// ---------------------------------------------------------------- API commands

t.test('dial strings: {} for every leg, [] per leg, "," in parallel (losers LOSE_RACE), "|" in sequence, quoted commas', async (t) => {
  const r = rig(t, {
    agents: [
      { id: '1001', answerAfterS: 0.2 },
      { id: '1002', answerAfterS: 3 },
      { id: '1003', busy: 1, answerAfterS: 1 },
    ],
  });
  const reply = await r.engine.api('originate', "{cti_x=1,cti_list='a,b'}[cti_leg=a]user/1001,[cti_leg=b]user/1002 &park()");
  const won = r.engine.channel(reply.slice(4, -1))!;
  t.equal(won.getVar('dialed_user'), '1001');
  t.equal(won.getVar('cti_leg'), 'a', '[] applies to its own leg');
  t.equal(won.getVar('cti_x'), '1', '{} to every leg');
  t.equal(won.getVar('cti_list'), 'a,b', 'a quoted value keeps its comma');
  await until(() => r.events.some((e) => e.name === 'CHANNEL_HANGUP_COMPLETE'));
  const lost = r.events.find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
  t.equal(header(lost, 'Caller-Destination-Number'), '1002');
  t.equal(header(lost, 'Hangup-Cause'), 'LOSE_RACE', 'the parallel loser');
  t.equal(variable(lost, 'cti_leg'), 'b');
  r.events.length = 0;
  const next = await r.engine.api('originate', 'user/1003|user/1001 &park()');
  t.equal(r.engine.channel(next.slice(4, -1))?.getVar('dialed_user'), '1001', 'the second group after the first failed');
  t.same(
    r.events.filter((e) => e.name === 'CHANNEL_CREATE' || e.name === 'CHANNEL_HANGUP').map((e) => `${label(e)} ${header(e, 'Caller-Destination-Number')}`),
    ['CHANNEL_CREATE 1003', 'CHANNEL_HANGUP(USER_BUSY) 1003', 'CHANNEL_CREATE 1001'],
    'one after the other',
  );
});

t.test('uuid_broadcast: a file to the leg as a queued playback; unknown uuid', async (t) => {
  const r = rig(t, { prompts: { 'notice.wav': 0.1 } });
  const leg = await parkedLeg(r);
  t.equal(await r.engine.api('uuid_broadcast', `${leg.uuid} notice.wav aleg`), '+OK Message sent\n');
  await until(() => r.of(leg.uuid).some((e) => e.name === 'CHANNEL_EXECUTE_COMPLETE' && header(e, 'Application') === 'playback'));
  const names = r.of(leg.uuid).map(label);
  t.ok(names.indexOf('CHANNEL_EXECUTE(playback)') < names.indexOf('PLAYBACK_START(start)'), 'runs playback inside the park');
  const command = r.events.find((e) => e.name === 'PRIVATE_COMMAND');
  t.equal(header(command, 'event-lock'), 'true', 'queued with event-lock (switch_ivr_broadcast)');
  t.equal(await r.engine.api('uuid_broadcast', 'nope notice.wav'), '-ERR invalid uuid\n');
  t.ok(leg.ready, 'the call goes on (no !cause)');
});
