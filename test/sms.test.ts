// The SMS outbox end to end: rows in SQLite, a worker, and the SMPP driver talking to a
// real SMPP server (the smpp package's own server) on a loopback port.
import t, { type Test } from 'tap';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import pino from 'pino';
import smpp, { type PDU, type Server, type Session, type DecodedMessage } from 'smpp';
import { openDatabase } from '../src/store/index.js';
import { schema } from '../src/schema.js';
import { CtiError } from '../src/errors.js';
import { errorPlugin } from '../src/http/errors.js';
import {
  OutboxWorker,
  SmppDriver,
  SmsOutbox,
  UNCONFIGURED_REASON,
  UnconfiguredDriver,
  exponentialBackoff,
  smsOutboxPlugin,
  ucs2Parts,
  type NewSms,
  type SmppOptions,
  type SmsDriver,
} from '../src/channels/sms/index.js';

const log = pino({ level: 'silent' });
const T0 = new Date('2026-03-02T01:00:00.000Z'); // Monday 09:00 in Shanghai
const NOTICE = '【12345】您有一张新工单（编号20260302-0042）已派至贵单位，请于1个工作日内签收。';
const msg = (over: Partial<NewSms> = {}): NewSms => ({
  to: '13800138000',
  text: NOTICE,
  kind: 'dispatch',
  ticketId: 42,
  dedupeKey: 'ticket:42:dispatch',
  ...over,
});

// ---------------------------------------------------------------------------------------
// A test SMSC: accepts bind_transmitter for one account, answers submit_sm with a
// message_id (or with the statuses queued in `answers`), and records what it received.

interface Received {
  systemId: string;
  source: string;
  destination: string;
  destTon: number;
  dataCoding: number;
  esmClass: number;
  text: string;
  /** [ref, total, seq] from a concatenation UDH */
  concat?: [number, number, number];
}

interface Smsc {
  port: number;
  account: { systemId: string; password: string };
  binds: { systemId: string; password: string; accepted: boolean }[];
  received: Received[];
  enquireLinks: number;
  /** statuses for the next submit_sm PDUs, in turn; ESME_ROK when empty */
  answers: number[];
  /** the next submit_sm is met by closing the connection (a dropped session) */
  dropNext: boolean;
  /** submit_sm is never answered */
  silent: boolean;
  listen(port?: number): Promise<number>;
  close(): Promise<void>;
}

function decoded(pdu: PDU): DecodedMessage {
  return pdu.short_message as DecodedMessage;
}

function onSession(smsc: Smsc, session: Session): void {
  let boundAs = '';
  session.on('error', () => undefined); // the client may reset the socket
  session.on('bind_transmitter', (pdu: PDU) => {
    const creds = { systemId: String(pdu.system_id), password: String(pdu.password) };
    const accepted = creds.systemId === smsc.account.systemId && creds.password === smsc.account.password;
    smsc.binds.push({ ...creds, accepted });
    if (accepted) boundAs = creds.systemId;
    session.send(pdu.response(accepted ? { system_id: 'TESTSMSC' } : { command_status: smpp.ESME_RINVPASWD }));
  });
  session.on('submit_sm', (pdu: PDU) => {
    if (!boundAs) return session.send(pdu.response({ command_status: smpp.errors.ESME_RINVBNDSTS }));
    if (smsc.dropNext) {
      smsc.dropNext = false;
      return session.destroy();
    }
    if (smsc.silent) return;
    const sm = decoded(pdu);
    const udh = sm.udh?.find((ie) => ie[0] === 0x00);
    smsc.received.push({
      systemId: boundAs,
      source: String(pdu.source_addr),
      destination: String(pdu.destination_addr),
      destTon: Number(pdu.dest_addr_ton),
      dataCoding: Number(pdu.data_coding),
      esmClass: Number(pdu.esm_class),
      text: String(sm.message),
      ...(udh ? { concat: [udh[2]!, udh[3]!, udh[4]!] as [number, number, number] } : {}),
    });
    const status = smsc.answers.shift() ?? smpp.ESME_ROK;
    session.send(pdu.response(status ? { command_status: status } : { message_id: `SMSC-${smsc.received.length}` }));
  });
  session.on('enquire_link', (pdu: PDU) => {
    smsc.enquireLinks++;
    session.send(pdu.response());
  });
  session.on('unbind', (pdu: PDU) => {
    session.send(pdu.response());
    session.close();
  });
}

async function startSmsc(t: Test): Promise<Smsc> {
  let server: Server | undefined;
  const smsc: Smsc = {
    port: 0,
    account: { systemId: 'cti12345', password: 's3cret' },
    binds: [],
    received: [],
    enquireLinks: 0,
    answers: [],
    dropNext: false,
    silent: false,
    async listen(port = 0) {
      server = smpp.createServer((session) => onSession(smsc, session));
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
      smsc.port = (server.address() as AddressInfo).port;
      return smsc.port;
    },
    async close() {
      const s = server;
      server = undefined;
      if (!s) return;
      for (const session of [...s.sessions]) session.destroy();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
  await smsc.listen();
  t.teardown(() => smsc.close());
  return smsc;
}

/** Puts back the parts of each concatenated message by reference and sequence number. */
function reassemble(received: Received[]): string[] {
  const byRef = new Map<number, Received[]>();
  for (const r of received.filter((x) => x.concat)) byRef.set(r.concat![0], [...(byRef.get(r.concat![0]) ?? []), r]);
  return [...byRef.values()].map((parts) =>
    parts
      .sort((a, b) => a.concat![2] - b.concat![2])
      .map((p) => p.text)
      .join(''),
  );
}

// ---------------------------------------------------------------------------------------

interface Rig {
  db: ReturnType<typeof openDatabase>;
  outbox: SmsOutbox;
  worker: OutboxWorker;
  driver: SmsDriver;
  clock: { now: Date; advance(ms: number): void };
}

function rig(t: Test, driver: SmsDriver, maxAttempts = 5): Rig {
  const db = openDatabase(':memory:', schema);
  const outbox = new SmsOutbox(db);
  const clock = {
    now: T0,
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  // Fixed back-off (no jitter) so the test knows when the next attempt is due.
  const backoff = (attempt: number) => 30_000 * 2 ** (attempt - 1);
  const worker = new OutboxWorker({ outbox, driver, log, clock: () => clock.now, maxAttempts, backoff });
  t.teardown(async () => {
    await worker.stop();
    await driver.close();
    db.close();
  });
  return { db, outbox, worker, driver, clock };
}

function smppDriver(smsc: Smsc, over: Partial<SmppOptions> = {}): SmppDriver {
  return new SmppDriver(
    { host: '127.0.0.1', port: smsc.port, systemId: 'cti12345', password: 's3cret', sourceAddr: '12345', rebindHoldS: 0, timeoutS: 2, ...over },
    log,
  );
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ---------------------------------------------------------------------------------------

t.test('outbox: enqueue records a reminder once per dedupe key', async (t) => {
  const db = openDatabase(':memory:', schema);
  t.teardown(() => db.close());
  const outbox = new SmsOutbox(db);

  const first = outbox.enqueue(msg(), T0);
  t.same(first, { id: 1, created: true });
  const again = outbox.enqueue(msg({ text: '重复的提醒' }), new Date(T0.getTime() + 60_000));
  t.same(again, { id: 1, created: false }, 'same key: the earlier row, not a new one');
  t.match(outbox.get(1), {
    to: '13800138000',
    text: NOTICE,
    kind: 'dispatch',
    ticketId: 42,
    status: 'pending',
    attempts: 0,
    createdAt: '2026-03-02T01:00:00.000Z',
    nextAttemptAt: '2026-03-02T01:00:00.000Z',
  });
  t.equal(db.prepare('SELECT COUNT(*) FROM sms_outbox').pluck().get(), 1);

  const noTicket = outbox.enqueue(msg({ kind: 'alert', dedupeKey: 'alert:transfer-rate:12315:2026-03-02', ticketId: undefined }), T0);
  t.same(noTicket, { id: 2, created: true });
  t.equal(outbox.get(2)?.ticketId, null);

  // Synchronous, so it rolls back with the caller's transaction.
  t.throws(() =>
    db.transaction(() => {
      outbox.enqueue(msg({ dedupeKey: 'ticket:43:dispatch' }), T0);
      throw new Error('ticket change failed');
    })(),
  );
  t.equal(db.prepare(`SELECT COUNT(*) FROM sms_outbox WHERE dedupe_key = 'ticket:43:dispatch'`).pluck().get(), 0);

  t.same(outbox.counts(), { pending: 2, sending: 0, sent: 0, failed: 0, unsent: 0 });
  t.same(
    outbox.list({ limit: 10 }).map((r) => r.id),
    [2, 1],
    'newest first',
  );
  t.same(
    outbox.list({ limit: 10, before: 2 }).map((r) => r.id),
    [1],
  );
  t.same(outbox.list({ limit: 10, status: 'sent' }), []);
});

t.test('outbox: bad number, text or kind is a CtiError naming the field', async (t) => {
  const db = openDatabase(':memory:', schema);
  t.teardown(() => db.close());
  const outbox = new SmsOutbox(db);
  const rejects = (over: Partial<NewSms>, field: string) => {
    let caught: unknown;
    try {
      outbox.enqueue(msg({ dedupeKey: `k-${field}-${Math.random()}`, ...over }), T0);
    } catch (err) {
      caught = err;
    }
    t.ok(caught instanceof CtiError, `${JSON.stringify(over).slice(0, 50)}: a CtiError`);
    t.match(caught, { code: 'CTI_SMS_BAD_MESSAGE', statusCode: 400, message: new RegExp(`^${field}: `), detail: { field } });
  };

  for (const to of ['12800138000', '+8613800138000', '8613800138000', '1380013800', '138001380001', '010-12345678', '']) rejects({ to }, 'to');
  rejects({ text: '' }, 'text');
  rejects({ text: '  \n ' }, 'text');
  rejects({ text: '字'.repeat(501) }, 'text');
  rejects({ kind: 'spam' as never }, 'kind');
  rejects({ dedupeKey: '' }, 'dedupeKey');
  rejects({ ticketId: 1.5 }, 'ticketId');
  t.equal(outbox.enqueue(msg({ text: '字'.repeat(500), dedupeKey: 'long' }), T0).created, true, '500 characters are allowed');
  t.equal(outbox.enqueue(msg({ to: '19912345678', dedupeKey: 'k199' }), T0).created, true);
  t.equal(db.prepare('SELECT COUNT(*) FROM sms_outbox').pluck().get(), 2, 'nothing bad was written');
});

t.test('UCS2 parts: 70 units fit one SMS; longer texts split by 67 without breaking a surrogate pair', async (t) => {
  t.same(ucs2Parts('字'.repeat(70), 1), [{ message: '字'.repeat(70) }]);
  const parts = ucs2Parts(`${'字'.repeat(66)}😀${'尾'.repeat(5)}`, 300);
  t.same(
    parts.map((p) => p.message),
    ['字'.repeat(66), `😀${'尾'.repeat(5)}`],
    'the emoji moves whole to the second part',
  );
  t.same([...parts[0]!.udh!], [0x05, 0x00, 0x03, 300 & 0xff, 2, 1]);
  t.same([...parts[1]!.udh!], [0x05, 0x00, 0x03, 300 & 0xff, 2, 2]);
  t.equal(ucs2Parts('字'.repeat(500), 1).length, 8);
});

t.test('back-off: 30 s doubling, capped at 30 min, ±25% jitter', async (t) => {
  const mid = exponentialBackoff({ random: () => 0.5 });
  t.same([1, 2, 3, 4, 5, 6, 7, 20].map(mid), [30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_800_000, 1_800_000]);
  t.equal(exponentialBackoff({ random: () => 0 })(1), 22_500);
  t.equal(exponentialBackoff({ random: () => 0.999999 })(30), 1_800_000, 'jitter never goes past the cap');
});

t.test('worker sends Chinese text over SMPP as UCS2 and marks it sent with the provider id', async (t) => {
  const smsc = await startSmsc(t);
  const { outbox, worker } = rig(t, smppDriver(smsc));
  outbox.enqueue(msg(), T0);

  t.equal(await worker.runOnce(), 1);
  t.match(outbox.get(1), { status: 'sent', attempts: 1, providerMessageId: 'SMSC-1', sentAt: T0.toISOString(), driver: 'smpp', lastError: null });
  t.same(smsc.binds, [{ systemId: 'cti12345', password: 's3cret', accepted: true }]);
  t.same(smsc.received, [{ systemId: 'cti12345', source: '12345', destination: '8613800138000', destTon: 1, dataCoding: 8, esmClass: 0, text: NOTICE }]);
  t.equal(await worker.runOnce(), 0, 'nothing left to send');
});

t.test('a long text goes as concatenated UCS2 parts that reassemble exactly', async (t) => {
  const smsc = await startSmsc(t);
  const { outbox, worker } = rig(t, smppDriver(smsc));
  const long = `【12345督办】${'请贵单位高度重视，于今日17:30前办结并答复市民诉求，逾期将通报。'.repeat(4)}😀完`;
  t.ok(long.length > 134, `${long.length} UTF-16 units: three parts`);
  outbox.enqueue(msg({ kind: 'supervision', text: long, dedupeKey: 'ticket:42:supervision:1' }), T0);
  outbox.enqueue(msg({ kind: 'red', text: '【12345】工单已超期。', dedupeKey: 'ticket:42:red:resolve' }), T0);

  t.equal(await worker.runOnce(), 2);
  const parts = smsc.received.filter((r) => r.concat);
  t.equal(parts.length, 3);
  t.ok(
    parts.every((p) => p.dataCoding === 8 && (p.esmClass & 0x40) === 0x40),
    'UCS2, UDH indicator set',
  );
  t.same(
    parts.map((p) => p.concat),
    [
      [1, 3, 1],
      [1, 3, 2],
      [1, 3, 3],
    ],
    'reference = row id, 3 parts in order',
  );
  t.same(reassemble(smsc.received), [long]);
  t.equal(outbox.get(1)?.providerMessageId, 'SMSC-1,SMSC-2,SMSC-3', 'one id per part');
  t.match(outbox.get(2), { status: 'sent', providerMessageId: 'SMSC-4' });
});

t.test('an error status (ESME_RTHROTTLED) is retried after the back-off, then succeeds', async (t) => {
  const smsc = await startSmsc(t);
  const { outbox, worker, clock } = rig(t, smppDriver(smsc));
  smsc.answers.push(smpp.ESME_RTHROTTLED);
  outbox.enqueue(msg(), T0);

  await worker.runOnce();
  t.match(outbox.get(1), {
    status: 'pending',
    attempts: 1,
    lastError: 'SMPP submit_sm refused: ESME_RTHROTTLED (0x00000058)',
    nextAttemptAt: new Date(T0.getTime() + 30_000).toISOString(),
  });
  t.equal(await worker.runOnce(), 0, 'not due before the back-off has passed');
  clock.advance(29_999);
  t.equal(await worker.runOnce(), 0);
  clock.advance(1);
  t.equal(await worker.runOnce(), 1);
  t.match(outbox.get(1), { status: 'sent', attempts: 2, providerMessageId: 'SMSC-2', lastError: null });
  t.equal(smsc.binds.length, 1, 'an error status does not drop the session');
});

t.test('after maxAttempts the message is failed, with the last error', async (t) => {
  const smsc = await startSmsc(t);
  const { outbox, worker, clock } = rig(t, smppDriver(smsc), 3);
  smsc.answers.push(smpp.ESME_RTHROTTLED, smpp.ESME_RTHROTTLED, smpp.errors.ESME_RSYSERR!, smpp.ESME_ROK);
  outbox.enqueue(msg(), T0);

  const due: string[] = [];
  for (let i = 0; i < 3; i++) {
    t.equal(await worker.runOnce(), 1);
    const row = outbox.get(1)!;
    due.push(row.nextAttemptAt);
    clock.advance(31 * 60_000);
  }
  t.same(due.slice(0, 2), ['2026-03-02T01:00:30.000Z', '2026-03-02T01:32:00.000Z'], '30 s, then 60 s after the second attempt');
  t.match(outbox.get(1), { status: 'failed', attempts: 3, lastError: /ESME_RSYSERR \(0x00000008\)/ });
  t.equal(await worker.runOnce(), 0, 'a failed message is not sent again');
  t.same(outbox.counts(), { pending: 0, sending: 0, sent: 0, failed: 1, unsent: 0 });
});

t.test('a permanent status (invalid destination) fails at once', async (t) => {
  const smsc = await startSmsc(t);
  const { outbox, worker } = rig(t, smppDriver(smsc));
  smsc.answers.push(smpp.errors.ESME_RINVDSTADR!);
  outbox.enqueue(msg(), T0);
  await worker.runOnce();
  t.match(outbox.get(1), { status: 'failed', attempts: 1, lastError: /ESME_RINVDSTADR/ });
});

t.test('gateway down: sends fail and are retried, nothing crashes; it is used again once it is back', async (t) => {
  const smsc = await startSmsc(t);
  const port = smsc.port;
  await smsc.close();
  const { outbox, worker, clock } = rig(t, smppDriver(smsc));
  outbox.enqueue(msg(), T0);
  outbox.enqueue(msg({ dedupeKey: 'ticket:42:yellow:sign', kind: 'yellow' }), T0);

  t.equal(await worker.runOnce(), 2);
  for (const id of [1, 2])
    t.match(outbox.get(id), { status: 'pending', attempts: 1, lastError: new RegExp(`SMPP 127\\.0\\.0\\.1:${port}: connect ECONNREFUSED`) });

  await smsc.listen(port);
  clock.advance(30_000);
  t.equal(await worker.runOnce(), 2);
  t.same(
    outbox.list({ limit: 10 }).map((r) => r.status),
    ['sent', 'sent'],
  );
  t.equal(smsc.binds.length, 1);
});

t.test('a dropped session is bound again on the next send', async (t) => {
  const smsc = await startSmsc(t);
  const { outbox, worker, clock } = rig(t, smppDriver(smsc));
  outbox.enqueue(msg(), T0);
  await worker.runOnce();
  t.equal(outbox.get(1)?.status, 'sent');

  smsc.dropNext = true;
  outbox.enqueue(msg({ dedupeKey: 'ticket:42:yellow:sign', kind: 'yellow' }), T0);
  await worker.runOnce();
  t.match(outbox.get(2), { status: 'pending', lastError: /SMPP 127\.0\.0\.1:\d+: / });

  clock.advance(30_000);
  await worker.runOnce();
  t.match(outbox.get(2), { status: 'sent', attempts: 2 });
  t.equal(smsc.binds.length, 2, 'bound a second time');
});

t.test('no submit_sm_resp within the timeout: the attempt fails and the link is dropped', async (t) => {
  const smsc = await startSmsc(t);
  const { outbox, worker, clock } = rig(t, smppDriver(smsc, { timeoutS: 0.2 }));
  smsc.silent = true;
  outbox.enqueue(msg(), T0);
  await worker.runOnce();
  t.match(outbox.get(1), { status: 'pending', lastError: /no submit_sm_resp within 0\.2 s/ });
  smsc.silent = false;
  clock.advance(30_000);
  await worker.runOnce();
  t.match(outbox.get(1), { status: 'sent' });
  t.equal(smsc.binds.length, 2);
});

t.test('enquire_link keeps the session alive', async (t) => {
  const smsc = await startSmsc(t);
  const { outbox, worker } = rig(t, smppDriver(smsc, { enquireLinkS: 0.05 }));
  outbox.enqueue(msg(), T0);
  await worker.runOnce();
  await waitFor('two enquire_link PDUs', () => (smsc.enquireLinks >= 2 ? true : undefined));
  t.pass(`${smsc.enquireLinks} enquire_link PDUs answered`);
});

t.test('wrong password: the bind fails with a clear error and the message is retried', async (t) => {
  const smsc = await startSmsc(t);
  const { outbox, worker, clock } = rig(t, smppDriver(smsc, { password: 'wrong', rebindHoldS: 5 }));
  outbox.enqueue(msg(), T0);
  outbox.enqueue(msg({ dedupeKey: 'ticket:42:yellow:sign', kind: 'yellow' }), T0);

  t.equal(await worker.runOnce(), 2);
  const expected = 'SMPP bind_transmitter refused: ESME_RINVPASWD (0x0000000E) — check the SMS gateway password';
  t.match(outbox.list({ limit: 10 }), [
    { status: 'pending', attempts: 1, lastError: expected },
    { status: 'pending', attempts: 1, lastError: expected },
  ]);
  t.equal(smsc.binds.length, 1, 'the second message did not bind again within rebindHoldS');
  t.same(smsc.received, []);

  clock.advance(30_000);
  await worker.runOnce();
  t.match(outbox.get(1), { status: 'pending', attempts: 2, lastError: expected });
});

t.test('a row left in "sending" by a crash is put back and sent when the worker starts', async (t) => {
  const smsc = await startSmsc(t);
  const { outbox, worker } = rig(t, smppDriver(smsc));
  outbox.enqueue(msg(), T0);
  t.equal(outbox.claimDue(T0, 10).length, 1, 'a previous process claimed it, then died');
  t.equal(outbox.get(1)?.status, 'sending');
  t.equal(await worker.runOnce(), 0, 'a claimed row is not claimed twice');

  worker.start(20);
  const sent = await waitFor('the reclaimed row sent', () => (outbox.get(1)?.status === 'sent' ? outbox.get(1) : undefined));
  t.match(sent, { attempts: 2, providerMessageId: 'SMSC-1' });
  await worker.stop();
});

t.test('no gateway configured: messages become "unsent" with the reason', async (t) => {
  const { outbox, worker } = rig(t, new UnconfiguredDriver());
  outbox.enqueue(msg(), T0);
  t.equal(await worker.runOnce(), 1);
  t.match(outbox.get(1), { status: 'unsent', lastError: UNCONFIGURED_REASON, driver: 'unconfigured', sentAt: null });
  t.equal(UNCONFIGURED_REASON, '未配置短信网关 (no SMS gateway configured)');
  t.equal(await worker.runOnce(), 0, 'unsent is final');
});

t.test('GET /sms-outbox lists rows with counts and rejects a bad status', async (t) => {
  const { outbox, worker } = rig(t, new UnconfiguredDriver());
  outbox.enqueue(msg(), T0);
  await worker.runOnce();
  outbox.enqueue(msg({ dedupeKey: 'ticket:42:yellow:sign', kind: 'yellow', text: '【12345】工单即将到期。' }), T0);

  const app = Fastify();
  await app.register(errorPlugin);
  await app.register(smsOutboxPlugin, { prefix: '/api/admin', outbox });
  t.teardown(() => app.close());

  const all = await app.inject('/api/admin/sms-outbox');
  t.equal(all.statusCode, 200);
  const body = all.json();
  t.same(body.counts, { pending: 1, sending: 0, sent: 0, failed: 0, unsent: 1 });
  t.same(
    body.items.map((i: { id: number }) => i.id),
    [2, 1],
  );
  t.same(body.items[1], {
    id: 1,
    created_at: '2026-03-02T01:00:00.000Z',
    to_number: '13800138000',
    text: NOTICE,
    kind: 'dispatch',
    ticket_id: 42,
    dedupe_key: 'ticket:42:dispatch',
    status: 'unsent',
    attempts: 1,
    next_attempt_at: '2026-03-02T01:00:00.000Z',
    last_error: UNCONFIGURED_REASON,
    sent_at: null,
    provider_message_id: null,
    driver: 'unconfigured',
  });

  const unsent = (await app.inject('/api/admin/sms-outbox?status=unsent&limit=5')).json();
  t.same(
    unsent.items.map((i: { id: number }) => i.id),
    [1],
  );
  t.same(
    (await app.inject('/api/admin/sms-outbox?before=2')).json().items.map((i: { id: number }) => i.id),
    [1],
  );

  const bad = await app.inject('/api/admin/sms-outbox?status=lost');
  t.equal(bad.statusCode, 400);
  t.same(
    bad.json(),
    {
      error: 'CTI_BAD_REQUEST',
      field: 'querystring.status',
      message: 'querystring.status: 取值必须是以下之一：pending、sending、sent、failed、unsent',
      allowed: ['pending', 'sending', 'sent', 'failed', 'unsent'],
      reason: 'querystring.status: must be equal to one of the allowed values',
    },
    'the field and the values it takes, in Chinese',
  );
  const badLimit = await app.inject('/api/admin/sms-outbox?limit=0');
  t.match(
    { status: badLimit.statusCode, body: badLimit.json() },
    { status: 400, body: { field: 'querystring.limit', message: 'querystring.limit: 不能小于 1' } },
  );
  const wordLimit = await app.inject('/api/admin/sms-outbox?limit=many');
  t.match(wordLimit.json(), { field: 'querystring.limit', message: 'querystring.limit: 应为整数' });
});
