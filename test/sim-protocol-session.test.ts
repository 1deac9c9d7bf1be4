// The simulator's Event Socket sessions over real TCP on 127.0.0.1: the inbound server (auth,
// subscriptions, filters, api/bgapi, exit, ACL, chunked writes, bad input), outbound sessions
// (connect, myevents, sendmsg, linger, resume), and the third-party modesl client accepting
// the bytes in both directions. The engine is a fake written here: the protocol half only needs
// the SwitchEngine seam.
import t, { type Test } from 'tap';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import esl from 'modesl';
import type { Headers, SimEvent, SwitchEngine } from '../src/sim/contracts.js';
import { EventFactory, channelDataHeaders, type ChannelSnapshot } from '../src/sim/events/index.js';
import { EventHub, InboundServer } from '../src/sim/inbound/index.js';
import { openOutboundSession, type CommandSession } from '../src/sim/session/index.js';
import { GOODBYE_TEXT, SHUTDOWN_TEXT, eventFrame, serializeJson, serializePlain, serializeXml } from '../src/sim/wire/index.js';

// ---------------------------------------------------------------------------------------
// A fake engine: records what the sessions ask and answers like FreeSWITCH would.

interface FakeEngine extends SwitchEngine {
  apiCalls: Array<[string, string]>;
  sendmsgs: Array<{ uuid: string; headers: Headers; body: string | undefined }>;
  socketsClosed: Array<[string, boolean]>;
  channels: Map<string, ChannelSnapshot>;
  apiHandler: (command: string, args: string) => Promise<string>;
  onSendmsg: (uuid: string, headers: Headers) => void;
}

function fakeEngine(): FakeEngine {
  const engine: FakeEngine = {
    apiCalls: [],
    sendmsgs: [],
    socketsClosed: [],
    channels: new Map(),
    apiHandler: async (command) => (command === 'status' ? 'UP 0 years, 0 days\n' : `-ERR ${command} Command not found!\n`),
    onSendmsg: () => undefined,
    async api(command, args) {
      engine.apiCalls.push([command, args]);
      return engine.apiHandler(command, args);
    },
    sendmsg(uuid, headers, body) {
      engine.sendmsgs.push({ uuid, headers, body });
      if (!engine.channels.has(uuid)) return `-ERR invalid session id [${uuid}]`;
      engine.onSendmsg(uuid, headers);
      return '+OK';
    },
    channelData(uuid) {
      const channel = engine.channels.get(uuid);
      return channel ? channelDataHeaders(channel) : null;
    },
    socketClosed(uuid, resumed) {
      engine.socketsClosed.push([uuid, resumed]);
    },
  };
  return engine;
}

let clockUs = 1_772_424_000_000_000;
const factory = new EventFactory({ clock: { nowUs: () => (clockUs += 1000) }, coreUuid: 'core-uuid-1', hostname: 'fs-sim' });

function channel(uuid: string, callerName = '张三'): ChannelSnapshot {
  return {
    uuid,
    name: 'sofia/internal/13800138000@10.0.0.5:5060',
    state: 'CS_EXECUTE',
    callState: 'ACTIVE',
    direction: 'inbound',
    answerState: 'answered',
    readCodec: { name: 'PCMA', rate: 8000, bitRate: 64000 },
    writeCodec: { name: 'PCMA', rate: 8000, bitRate: 64000 },
    caller: {
      direction: 'inbound',
      username: '13800138000',
      dialplan: 'XML',
      callerIdName: callerName,
      callerIdNumber: '13800138000',
      origCallerIdName: callerName,
      origCallerIdNumber: '13800138000',
      networkAddr: '10.0.0.5',
      ani: '13800138000',
      destinationNumber: '12345',
      uuid,
      source: 'mod_sofia',
      context: 'public',
      channelName: 'sofia/internal/13800138000@10.0.0.5:5060',
      profileIndex: '1',
      times: { profileCreated: 1_772_424_000_000_000, created: 1_772_424_000_000_000 },
    },
    variables: [
      ['direction', 'inbound'],
      ['uuid', uuid],
      ['call_uuid', uuid],
      ['cti_mode', 'main'],
      ['DP_MATCH', 'ARRAY::12345|:12345'],
    ],
  };
}

function channelEvent(name: string, uuid: string, tail: Headers = []): SimEvent {
  return factory.create(name).channel(channel(uuid)).addAll(tail).build();
}

// ---------------------------------------------------------------------------------------
// A raw Event Socket peer: reads frames exactly as they arrive.

interface Frame {
  head: string;
  headers: Map<string, string>;
  body: string;
  raw: string;
}

class WirePeer {
  dataEvents = 0;
  readonly closed: Promise<void>;
  private buffer = Buffer.alloc(0);
  private readonly frames: Frame[] = [];
  private readonly waiters: Array<(frame: Frame) => void> = [];

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.dataEvents++;
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.parse();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static connect(port: number): Promise<WirePeer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => resolve(new WirePeer(socket)));
      socket.once('error', reject);
    });
  }

  send(text: string): void {
    this.socket.write(text);
  }

  async command(text: string): Promise<Frame> {
    this.send(text);
    return this.next();
  }

  next(timeoutMs = 3000): Promise<Frame> {
    const ready = this.frames.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no frame within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push((frame) => {
        clearTimeout(timer);
        resolve(frame);
      });
    });
  }

  /** True when no frame arrives within the time given. */
  async silentFor(ms: number): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.frames.length === 0;
  }

  private parse(): void {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end < 0) return;
      const head = this.buffer.subarray(0, end).toString('utf8');
      const headers = new Map<string, string>();
      for (const line of head.split('\n')) {
        const colon = line.indexOf(': ');
        if (!headers.has(line.slice(0, colon))) headers.set(line.slice(0, colon), line.slice(colon + 2));
      }
      const length = Number(headers.get('Content-Length') ?? 0);
      if (this.buffer.length < end + 2 + length) return;
      const raw = this.buffer.subarray(0, end + 2 + length).toString('utf8');
      const body = this.buffer.subarray(end + 2, end + 2 + length).toString('utf8');
      this.buffer = this.buffer.subarray(end + 2 + length);
      const frame = { head, headers, body, raw };
      const waiter = this.waiters.shift();
      if (waiter) waiter(frame);
      else this.frames.push(frame);
    }
  }
}

async function startServer(t: Test, engine: SwitchEngine, extra: Partial<ConstructorParameters<typeof InboundServer>[0]> = {}): Promise<InboundServer> {
  const server = new InboundServer({ engine, events: factory, hub: new EventHub(), port: 0, password: 'ClueCon', ...extra });
  await server.start();
  t.teardown(() => server.stop());
  return server;
}

async function authedPeer(server: InboundServer): Promise<WirePeer> {
  const peer = await WirePeer.connect(server.port);
  await peer.next();
  const reply = await peer.command('auth ClueCon\n\n');
  if (reply.headers.get('Reply-Text') !== '+OK accepted') throw new Error('auth failed');
  return peer;
}

const replyText = (frame: Frame): string | undefined => frame.headers.get('Reply-Text');

/** Lets sessions pick up what was just published or written. */
const settle = (ms = 30): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------

t.test('inbound: auth/request, refusals before auth, wrong and right password', async (t) => {
  const server = await startServer(t, fakeEngine());
  const peer = await WirePeer.connect(server.port);
  t.equal((await peer.next()).raw, 'Content-Type: auth/request\n\n', 'auth/request on connect');
  t.equal(replyText(await peer.command('api status\n\n')), '-ERR command not found', 'a command before auth');
  t.equal(replyText(await peer.command('event plain ALL\n\n')), '-ERR command not found', 'still open, still refused');
  const bad = await peer.command('auth nope\n\n');
  t.equal(bad.raw, 'Content-Type: command/reply\nReply-Text: -ERR invalid\n\n', 'wrong password');
  const notice = await peer.next();
  t.equal(notice.raw, `Content-Type: text/disconnect-notice\nContent-Length: 67\n\n${GOODBYE_TEXT}`, 'then the goodbye notice');
  await peer.closed;
  t.pass('then close');

  const good = await WirePeer.connect(server.port);
  await good.next();
  t.equal(replyText(await good.command('auth ClueCon\r\n\r\n')), '+OK accepted', 'right password (CRLF accepted)');
  t.equal(replyText(await good.command('exit\n\n')), '+OK bye', 'exit');
  t.equal((await good.next()).headers.get('Content-Type'), 'text/disconnect-notice', 'goodbye after exit');
  await good.closed;

  const halfClosing = await authedPeer(server);
  halfClosing.socket.end('api status\n\n');
  t.equal((await halfClosing.next()).headers.get('Content-Type'), 'api/response', 'a command sent just before a half-close is answered');
  t.equal((await halfClosing.next()).body, GOODBYE_TEXT, 'then the goodbye notice');
  await halfClosing.closed;
});

t.test('inbound: event subscriptions, formats, filters, nixevent, noevents, CUSTOM', async (t) => {
  const server = await startServer(t, fakeEngine());
  const peer = await authedPeer(server);
  t.equal(replyText(await peer.command('event plain CHANNEL_ANSWER\n\n')), '+OK event listener enabled plain');

  const answer = channelEvent('CHANNEL_ANSWER', 'a-1');
  server.hub.publish(channelEvent('CHANNEL_HANGUP', 'a-1'));
  server.hub.publish(answer);
  const frame = await peer.next();
  t.equal(frame.raw, eventFrame('plain', serializePlain(answer)), 'only the subscribed event, byte for byte');
  t.match(frame.body, /Caller-Caller-ID-Name: %E5%BC%A0%E4%B8%89\n/, 'values url-encoded');
  t.ok(await peer.silentFor(50), 'the HANGUP was not sent');

  t.equal(replyText(await peer.command('event json CHANNEL_HANGUP\n\n')), '+OK event listener enabled json', 'subscriptions add up; format switches');
  const hangup = channelEvent('CHANNEL_HANGUP', 'a-1', [['Hangup-Cause', 'NORMAL_CLEARING']]);
  server.hub.publish(hangup);
  const json = await peer.next();
  t.equal(json.headers.get('Content-Type'), 'text/event-json');
  t.equal(json.body, serializeJson(hangup), 'JSON body');
  t.same(JSON.parse(json.body).variable_DP_MATCH, ['12345', '12345'], 'array variable as a JSON array');

  t.equal(replyText(await peer.command('event xml\n\n')), '-ERR no keywords supplied', 'a format alone');
  server.hub.publish(answer);
  t.equal((await peer.next()).body, serializeXml(answer), 'but the format changed anyway, as in FreeSWITCH');
  t.equal(replyText(await peer.command('event plain\n\n')), '-ERR no keywords supplied');

  t.equal(replyText(await peer.command('filter Unique-ID b-2\n\n')), '+OK filter added. [Unique-ID]=[b-2]');
  server.hub.publish(channelEvent('CHANNEL_ANSWER', 'a-1'));
  const b2 = channelEvent('CHANNEL_ANSWER', 'b-2');
  server.hub.publish(b2);
  t.equal((await peer.next()).raw, eventFrame('plain', serializePlain(b2)), 'the filter lets only b-2 through');
  t.equal(replyText(await peer.command('filter Unique-ID -b-2\n\n')), '+OK filter added. [Unique-ID]=[-b-2]', 'a negative filter');
  server.hub.publish(b2);
  t.ok(await peer.silentFor(50), 'the negative filter drops it');
  t.equal(replyText(await peer.command('filter delete all\n\n')), '+OK filter deleted. [all][]');
  t.equal(replyText(await peer.command('filter delete\n\n')), '-ERR invalid syntax');

  t.equal(replyText(await peer.command('nixevent CHANNEL_ANSWER\n\n')), '+OK events nixed');
  server.hub.publish(channelEvent('CHANNEL_ANSWER', 'a-1'));
  server.hub.publish(hangup);
  t.equal((await peer.next()).headers.get('Content-Length'), String(Buffer.byteLength(serializePlain(hangup))), 'HANGUP still comes, ANSWER not');

  t.equal(replyText(await peer.command('event plain CUSTOM conference::maintenance\n\n')), '+OK event listener enabled plain');
  const wanted = factory.create('CUSTOM', { subclass: 'conference::maintenance' }).add('Action', 'add-member').build();
  server.hub.publish(factory.create('CUSTOM', { subclass: 'sofia::register' }).build());
  server.hub.publish(wanted);
  t.equal((await peer.next()).body, serializePlain(wanted), 'only the subscribed subclass');

  t.equal(replyText(await peer.command('noevents\n\n')), '+OK no longer listening for events');
  t.equal(replyText(await peer.command('noevents\n\n')), '-ERR not listening for events');
  server.hub.publish(hangup);
  t.ok(await peer.silentFor(50), 'nothing after noevents');
});

t.test('inbound: the other commands and their exact replies', async (t) => {
  const engine = fakeEngine();
  engine.channels.set('c-1', channel('c-1'));
  const server = await startServer(t, engine);
  const peer = await authedPeer(server);
  const cases: Array<[string, string]> = [
    ['linger\n\n', '-ERR not controlling a session'],
    ['nolinger\n\n', '-ERR not controlling a session'],
    ['divert_events on\n\n', '-ERR not controlling a session.'],
    ['log debug\n\n', '+OK log level debug [7]'],
    ['log\n\n', '+OK log level  [7]'],
    ['log loud\n\n', '-ERR invalid log level'],
    ['nolog\n\n', '+OK no longer logging'],
    ['nolog\n\n', '-ERR not loging'],
    ['sendmsg nope\ncall-command: hangup\n\n', '-ERR invalid session id [nope]'],
    ['sendmsg\ncall-command: hangup\n\n', '-ERR invalid session id []'],
    ['sendmsg c-1\ncall-command: execute\nexecute-app-name: answer\n\n', '+OK'],
    ['myevents nope json\n\n', '-ERR invalid uuid'],
    ['userauth a@b:c\n\n', '-ERR command not found'],
    ['frobnicate\n\n', '-ERR command not found'],
  ];
  for (const [command, expected] of cases) t.equal(replyText(await peer.command(command)), expected, command.split('\n')[0] ?? command);
  t.same(
    engine.sendmsgs.map((m) => m.uuid),
    ['c-1'],
    'only the valid sendmsg reached the engine',
  );
  t.same(engine.sendmsgs[0]!.headers, [
    ['call-command', 'execute'],
    ['execute-app-name', 'answer'],
  ]);

  t.equal(replyText(await peer.command('myevents c-1\n\n')), '+OK Events Enabled', 'binds the socket to c-1');
  t.equal(replyText(await peer.command('linger 5\n\n')), '+OK will linger 5 seconds', 'now it controls a session');
  t.equal(replyText(await peer.command('myevents c-1\n\n')), '-ERR aready enabled.', '(sic)');
  server.hub.publish(channelEvent('CHANNEL_ANSWER', 'other'));
  const own = channelEvent('CHANNEL_ANSWER', 'c-1');
  server.hub.publish(own);
  t.equal((await peer.next()).body, serializePlain(own), 'myevents: only the bound channel');
});

t.test('inbound: api, bgapi and BACKGROUND_JOB', async (t) => {
  const engine = fakeEngine();
  const server = await startServer(t, engine);
  const peer = await authedPeer(server);
  t.equal((await peer.command('api status\n\n')).raw, 'Content-Type: api/response\nContent-Length: 19\n\nUP 0 years, 0 days\n', 'api/response');
  t.equal((await peer.command('api nosuch x y\n\n')).body, '-ERR nosuch Command not found!\n');
  engine.apiHandler = async () => '';
  t.equal((await peer.command('api quiet\n\n')).body, '-ERR no reply\n', 'empty output');
  t.same(
    engine.apiCalls,
    [
      ['status', ''],
      ['nosuch', 'x y'],
      ['quiet', ''],
    ],
    'command and arguments split at the first space',
  );

  engine.apiHandler = async (command, args) => `+OK ${command} ${args}\n`;
  t.equal(replyText(await peer.command('event plain BACKGROUND_JOB\n\n')), '+OK event listener enabled plain');
  const reply = await peer.command('bgapi originate {origination_uuid=x}user/1001 &park()\n\n');
  const job = reply.headers.get('Job-UUID')!;
  t.match(job, /^[0-9a-f-]{36}$/, 'a Job-UUID header');
  t.equal(reply.raw, `Content-Type: command/reply\nReply-Text: +OK Job-UUID: ${job}\nJob-UUID: ${job}\n\n`);
  const event = await peer.next();
  t.match(event.body, /^Event-Name: BACKGROUND_JOB\n/);
  t.match(
    event.body,
    `Job-UUID: ${job}\nJob-Command: originate\nJob-Command-Arg: %7Borigination_uuid%3Dx%7Duser/1001%20%26park()\n` +
      'Content-Length: 52\n\n+OK originate {origination_uuid=x}user/1001 &park()\n',
    'headers and body',
  );
  t.notMatch(event.body, 'Job-Owner-UUID', 'no owner on a plain inbound socket');

  const mine = await peer.command('bgapi status\nJob-UUID: 7d6c0f1e-aaaa-bbbb-cccc-000000000001-and-more\n\n');
  t.equal(mine.headers.get('Job-UUID'), '7d6c0f1e-aaaa-bbbb-cccc-000000000001', "the client's Job-UUID, cut to 36 characters");
  t.match((await peer.next()).body, 'Job-UUID: 7d6c0f1e-aaaa-bbbb-cccc-000000000001\n');

  // A sync api holds back events on its socket until it answers.
  let release: (value: string) => void = () => undefined;
  engine.apiHandler = () => new Promise((resolve) => (release = resolve));
  peer.send('api slow\n\n');
  await settle();
  server.hub.publish(factory.create('BACKGROUND_JOB').add('Job-UUID', 'other').body('+OK\n').build());
  t.ok(await peer.silentFor(50), 'nothing while the api runs');
  release('+OK done\n');
  t.equal((await peer.next()).headers.get('Content-Type'), 'api/response', 'the api answer first');
  t.equal((await peer.next()).headers.get('Content-Type'), 'text/event-plain', 'then the held event');
});

t.test('inbound: ACL rude-rejection, bad Content-Length, shutdown notice', async (t) => {
  const refusing = await startServer(t, fakeEngine(), { acl: ['10.0.0.0/8,192.168.0.0/16'] });
  const refused = await WirePeer.connect(refusing.port);
  t.equal((await refused.next()).raw, 'Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n', 'rude rejection');
  t.equal((await refused.next()).body, GOODBYE_TEXT, 'then the goodbye notice, as the done: path of listener_run writes it');
  await refused.closed;

  const allowing = await startServer(t, fakeEngine(), { acl: ['loopback.auto', '127.0.0.1/32'] });
  const allowed = await WirePeer.connect(allowing.port);
  t.equal((await allowed.next()).headers.get('Content-Type'), 'auth/request', 'a client every entry allows');

  const server = await startServer(t, fakeEngine());
  const peer = await authedPeer(server);
  t.equal(
    replyText(
      await peer.command('api status\n\nsendevent CUSTOM\nContent-Length: -5\n\n').then(async (first) => {
        t.equal(first.headers.get('Content-Type'), 'api/response', 'the command before the bad one still runs');
        return peer.next();
      }),
    ),
    undefined,
    'no reply to the bad packet',
  );
  await peer.closed;
  t.pass('a Content-Length out of range closes the connection (after the goodbye notice)');

  const last = await authedPeer(server);
  await server.stop();
  t.equal((await last.next()).body, SHUTDOWN_TEXT, 'stop() sends the shutdown notice');
});

t.test('inbound: the first command must come within the budget', async (t) => {
  const server = await startServer(t, fakeEngine(), { firstPacketTimeoutMs: 100 });
  const peer = await WirePeer.connect(server.port);
  await peer.next();
  t.equal((await peer.next()).body, GOODBYE_TEXT, 'goodbye after the first-packet timeout');
  await peer.closed;
});

t.test('inbound: frames written in random chunks still parse, and are really split', async (t) => {
  const engine = fakeEngine();
  const server = await startServer(t, engine, { chunking: { seed: 12345, maxChunk: 9 } });
  const peer = await authedPeer(server);
  await peer.command('event plain ALL\n\n');
  const events = [
    channelEvent('CHANNEL_ANSWER', 'x-1'),
    channelEvent('CHANNEL_HANGUP', 'x-1'),
    channelEvent('CHANNEL_EXECUTE_COMPLETE', 'x-1', [['Application', 'playback']]),
  ];
  for (const event of events) server.hub.publish(event);
  for (const event of events) t.equal((await peer.next()).raw, eventFrame('plain', serializePlain(event)), event.name);
  t.ok(peer.dataEvents > 50, `arrived in ${peer.dataEvents} reads`);
});

// ---------------------------------------------------------------------------------------
// modesl, a third-party client, against the simulator.

interface ModeslEvent {
  getHeader(name: string): string | undefined;
  getBody(): string;
}
interface ModeslConnection {
  on(event: string, listener: (...args: unknown[]) => void): void;
  api(command: string, args: string, cb: (res: ModeslEvent) => void): void;
  bgapi(command: string, args: string, cb: (res: ModeslEvent) => void): void;
  events(type: string, events: string, cb: (res: ModeslEvent) => void): void;
  execute(app: string, arg: string, cb: (res: ModeslEvent) => void): string;
  getInfo(): ModeslEvent;
  disconnect(): void;
}
interface ModeslModule {
  Connection: new (host: string, port: number, password: string, ready: () => void) => ModeslConnection;
  Server: new (
    options: { server: Server; myevents?: boolean },
    ready?: () => void,
  ) => {
    on(event: 'connection::ready', listener: (conn: ModeslConnection) => void): void;
  };
}
const modesl = esl as unknown as ModeslModule;

function modeslConnect(port: number): Promise<ModeslConnection> {
  return new Promise((resolve, reject) => {
    const conn: ModeslConnection = new modesl.Connection('127.0.0.1', port, 'ClueCon', () => resolve(conn));
    conn.on('error', (error) => reject(error as Error));
  });
}

const once = <T>(register: (cb: (value: T) => void) => void): Promise<T> => new Promise((resolve) => register(resolve));

for (const chunking of [undefined, { seed: 7, maxChunk: 13 }]) {
  t.test(`modesl inbound client ${chunking ? 'with chunked writes' : ''}`, async (t) => {
    const engine = fakeEngine();
    engine.apiHandler = async (command, args) => (command === 'status' ? 'UP 3 seconds\n' : `+OK ${args}\n`);
    const server = await startServer(t, engine, chunking ? { chunking } : {});
    const conn = await modeslConnect(server.port);
    t.teardown(() => conn.disconnect());
    t.pass('authenticated (modesl compares Reply-Text with "+OK accepted")');

    const status = await once<ModeslEvent>((cb) => conn.api('status', '', cb));
    t.equal(status.getBody(), 'UP 3 seconds\n', 'api');
    const job = await once<ModeslEvent>((cb) => conn.bgapi('originate', 'user/1001 &park()', cb));
    t.equal(job.getHeader('Event-Name'), 'BACKGROUND_JOB', 'bgapi result event (modesl subscribed BACKGROUND_JOB in json)');
    t.equal(job.getBody(), '+OK user/1001 &park()\n');

    await once<ModeslEvent>((cb) => conn.events('plain', 'CHANNEL_ANSWER', cb));
    const got = once<ModeslEvent>((cb) => conn.on('esl::event::CHANNEL_ANSWER::*', (e) => cb(e as ModeslEvent)));
    server.hub.publish(channelEvent('CHANNEL_ANSWER', 'm-1'));
    const answer = await got;
    t.equal(answer.getHeader('Unique-ID'), 'm-1', 'a plain event');
    t.equal(answer.getHeader('Caller-Caller-ID-Name'), '张三', 'url-decoded back to the Chinese name');
    t.equal(answer.getHeader('variable_DP_MATCH'), 'ARRAY::12345|:12345', 'array header text');
  });
}

// ---------------------------------------------------------------------------------------
// Outbound: the simulator connects to a controller for one channel.

async function controllerServer(t: Test): Promise<{ server: Server; port: number; accepted: Promise<WirePeer> }> {
  let accept: (peer: WirePeer) => void = () => undefined;
  const accepted = new Promise<WirePeer>((resolve) => (accept = resolve));
  const server = createServer((socket) => accept(new WirePeer(socket)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { server, port: (server.address() as AddressInfo).port, accepted };
}

async function outbound(
  t: Test,
  engine: FakeEngine,
  uuid: string,
  flags = { async: true, full: true },
): Promise<{ peer: WirePeer; session: CommandSession; hub: EventHub }> {
  engine.channels.set(uuid, channel(uuid));
  const hub = new EventHub();
  const controller = await controllerServer(t);
  const session = await openOutboundSession({ host: '127.0.0.1', port: controller.port }, { engine, hub, events: factory, channelUuid: uuid, ...flags });
  t.teardown(() => session.shutdown());
  return { peer: await controller.accepted, session, hub };
}

t.test('outbound: connect, myevents, sendmsg, linger through hangup, exit', async (t) => {
  const engine = fakeEngine();
  const uuid = 'o-1';
  const { peer, hub, session } = await outbound(t, engine, uuid);
  t.ok(await peer.silentFor(50), 'the switch says nothing before connect');
  let connected = false;
  void session.connected.then((value) => (connected = value));

  const data = await peer.command('connect\n\n');
  const lines = data.head.split('\n');
  t.equal(lines[0], 'Event-Name: CHANNEL_DATA', 'one unframed header block');
  t.same(lines.slice(-4), ['Content-Type: command/reply', 'Reply-Text: %2BOK%0A', 'Socket-Mode: async', 'Control: full'], 'reply headers last');
  t.match(data.head, /\nEvent-Calling-File: mod_event_socket.c\nEvent-Calling-Function: parse_command\n/);
  t.match(
    data.head,
    /\nChannel-Caller-ID-Name: %E5%BC%A0%E4%B8%89\n[\s\S]*\nUnique-ID: o-1\n[\s\S]*\nvariable_cti_mode: main\n/,
    'profile, channel and variables',
  );
  t.notOk(data.headers.has('Content-Length'), 'no Content-Length');
  t.equal(connected, true, 'session.connected resolved');

  t.equal(replyText(await peer.command('myevents\n\n')), '+OK Events Enabled', 'myevents defaults to this channel');
  t.equal(replyText(await peer.command('linger\n\n')), '+OK will linger');
  t.equal(replyText(await peer.command('getvar cti_mode\n\n')), 'main', 'getvar');
  t.equal(replyText(await peer.command('getvar nothing\n\n')), '-ERR command not found', 'an unset variable (empty reply)');

  engine.onSendmsg = (target, headers) => {
    const app = headers.find(([n]) => n === 'execute-app-name')?.[1] ?? '';
    const id = headers.find(([n]) => n === 'Event-UUID')?.[1] ?? 'random';
    setImmediate(() =>
      hub.publish(
        channelEvent('CHANNEL_EXECUTE_COMPLETE', target, [
          ['Application', app],
          ['Application-Response', '_none_'],
          ['Application-UUID', id],
        ]),
      ),
    );
  };
  const sent = await peer.command('sendmsg\ncall-command: execute\nexecute-app-name: answer\nEvent-UUID: ev-1\n\n');
  t.equal(replyText(sent), '+OK', 'sendmsg without uuid');
  t.equal(engine.sendmsgs.at(-1)!.uuid, uuid, 'targets the controlled channel');
  t.match((await peer.next()).body, /Application: answer\nApplication-Response: _none_\nApplication-UUID: ev-1\n/, 'EXECUTE_COMPLETE after +OK');

  hub.publish(channelEvent('CHANNEL_ANSWER', 'someone-else'));
  const hangup = channelEvent('CHANNEL_HANGUP', uuid, [['Hangup-Cause', 'NORMAL_CLEARING']]);
  hub.publish(hangup);
  t.equal((await peer.next()).body, serializePlain(hangup), 'own HANGUP (the other channel filtered out)');
  t.equal(
    (await peer.next()).raw,
    `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${uuid}\nContent-Disposition: linger\n` +
      'Channel-Name: sofia/internal/13800138000@10.0.0.5:5060\nLinger-Time: -1\nContent-Length: 0\n\n',
    'linger notice, raw channel name',
  );
  const late = channelEvent('CHANNEL_EXECUTE_COMPLETE', uuid, [['Application', 'socket']]);
  hub.publish(late);
  t.equal((await peer.next()).body, serializePlain(late), 'events keep coming while lingering');
  t.equal(replyText(await peer.command('exit\n\n')), '+OK bye');
  t.equal(
    (await peer.next()).raw,
    `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${uuid}\nContent-Disposition: disconnect\nContent-Length: 67\n\n${GOODBYE_TEXT}`,
  );
  await peer.closed;
  t.same(engine.socketsClosed, [[uuid, false]], 'the engine learns the socket closed, not resumed');
});

t.test('outbound: without linger the socket closes at hangup; resume is reported', async (t) => {
  const engine = fakeEngine();
  const { peer, hub } = await outbound(t, engine, 'o-2');
  await peer.command('connect\n\n');
  t.equal(replyText(await peer.command('event plain CHANNEL_HANGUP CHANNEL_EXECUTE_COMPLETE\n\n')), '+OK event listener enabled plain');
  t.equal(replyText(await peer.command('resume\n\n')), '+OK');
  t.equal(replyText(await peer.command('getvar socket_resume\n\n')), 'true', 'resume sets socket_resume');
  hub.publish(channelEvent('CHANNEL_HANGUP', 'o-2'));
  hub.publish(channelEvent('CHANNEL_EXECUTE_COMPLETE', 'o-2'));
  t.equal((await peer.next()).headers.get('Content-Type'), 'text/event-plain', 'the HANGUP');
  t.equal((await peer.next()).body, GOODBYE_TEXT, 'then the goodbye at once');
  await peer.closed;
  t.same(engine.socketsClosed, [['o-2', true]], 'resumed');
});

t.test('outbound: the first reply is swallowed, timed linger, and no `full`', async (t) => {
  const engine = fakeEngine();
  const { peer, hub } = await outbound(t, engine, 'o-3');
  peer.send('linger 1\n\n');
  t.ok(await peer.silentFor(50), 'no reply to a first command that is not connect (MES listener_run)');
  t.equal((await peer.command('connect\n\n')).headers.get('Event-Name'), 'CHANNEL_DATA');
  hub.publish(channelEvent('CHANNEL_HANGUP', 'o-3'));
  const notice = await peer.next();
  t.equal(notice.headers.get('Linger-Time'), '1', 'the linger set by the first command applies');
  const started = Date.now();
  t.equal((await peer.next()).body, GOODBYE_TEXT, 'goodbye when the linger time is over');
  t.ok(Date.now() - started >= 900, 'about one second later');

  const limited = fakeEngine();
  const single = await outbound(t, limited, 'o-4', { async: false, full: false });
  const data = await single.peer.command('connect\n\n');
  t.same(data.head.split('\n').slice(-2), ['Socket-Mode: static', 'Control: single-channel']);
  for (const command of ['event plain ALL', 'api status', 'bgapi status', 'linger', 'log debug']) {
    t.equal(replyText(await single.peer.command(`${command}\n\n`)), '-ERR command not found', `${command} needs full`);
  }
  t.equal(replyText(await single.peer.command('myevents json\n\n')), '+OK Events Enabled', 'myevents does not');
  // Without async, the reply to sendmsg waits for the application to finish.
  limited.onSendmsg = () => setTimeout(() => single.hub.publish(channelEvent('CHANNEL_EXECUTE_COMPLETE', 'o-4', [['Application', 'playback']])), 100);
  const before = Date.now();
  const done = await single.peer.command('sendmsg\ncall-command: execute\nexecute-app-name: playback\nexecute-app-arg: x.wav\n\n');
  t.equal(replyText(done), '+OK');
  t.ok(Date.now() - before >= 90, 'sync sendmsg answered after EXECUTE_COMPLETE');
  t.equal((await single.peer.next()).headers.get('Content-Type'), 'text/event-json', 'then the event, in the myevents format');
});

t.test('modesl outbound server accepts the simulated switch', async (t) => {
  const engine = fakeEngine();
  const hub = new EventHub();
  engine.channels.set('mo-1', channel('mo-1'));
  engine.onSendmsg = (target, headers) => {
    const id = headers.find(([n]) => n === 'Event-UUID')?.[1] ?? '';
    setImmediate(() =>
      hub.publish(
        channelEvent('CHANNEL_EXECUTE_COMPLETE', target, [
          ['Application', 'answer'],
          ['Application-UUID', id],
        ]),
      ),
    );
  };
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const eslServer = new modesl.Server({ server, myevents: true });
  const ready = once<ModeslConnection>((cb) => eslServer.on('connection::ready', cb));
  const port = (server.address() as AddressInfo).port;
  const session = await openOutboundSession(
    { host: '127.0.0.1', port },
    { engine, hub, events: factory, channelUuid: 'mo-1', async: true, full: true, chunking: { seed: 3, maxChunk: 64 } },
  );
  t.teardown(() => session.shutdown());
  const conn = await ready;
  t.equal(conn.getInfo().getHeader('Unique-ID'), 'mo-1', 'CHANNEL_DATA parsed by modesl');
  t.equal(conn.getInfo().getHeader('Caller-Caller-ID-Name'), '张三');
  const complete = await once<ModeslEvent>((cb) => conn.execute('answer', '', cb));
  t.equal(complete.getHeader('Application'), 'answer', 'execute callback fired on the matching EXECUTE_COMPLETE');
  conn.disconnect();
  await session.closed;
  t.same(engine.socketsClosed, [['mo-1', false]]);
});
