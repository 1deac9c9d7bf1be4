// Composition root: config → database → areas → HTTP, with hot reload, the ticket light
// sweep and the SMS worker. `npm start` runs this file.
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cron from 'node-cron';
import { Gauge, Histogram } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ConfigWatcher, formatIssue, loadConfig, workingCalendarOf, type ServerSettings } from './config/index.js';
import { GroupCommit, openDatabase, WalCheckpointer, walBytes, type Db } from './store/index.js';
import { schema } from './schema.js';
import { buildApp, LiveFeed } from './http/index.js';
import { createLogger } from './logging.js';
import { SessionStore, UserStore } from './auth/index.js';
import { OutboxWorker, SmppDriver, SmsOutbox, UnconfiguredDriver, type SmsDriver } from './channels/sms/index.js';
import { createTicketArea, noticeCalendarGap } from './tickets/index.js';
import { Figures, TransferAlerts } from './reports/index.js';
import { AcdStore, CallDistributor } from './acd/index.js';
import { CallController, type CallControllerOptions } from './call/index.js';

export interface RunningServer {
  app: FastifyInstance;
  calls: CallController;
  config: ConfigWatcher;
  db: Db;
  url: string;
  close(): Promise<void>;
  /**
   * Stops at once, as kill -9 would: nothing flushed, recorded or said to FreeSWITCH. The file
   * watch, the checkpoint thread and the database are let go; timers and connections are left to
   * die with the process (the in-process test board drops them itself).
   */
  halt(): void;
}

const SMS_POLL_MS = 5_000;

/** Marks a server started without ports: its API answers through `app.inject`. */
export const IN_PROCESS_URL = 'in-process:';

/**
 * `switchLink`, when given, runs the server without ports, for the in-process test switchboard:
 * the inbound ESL link is that stream, calls arrive through `calls.accept`, and the API answers
 * through `app.inject`. Everything else is assembled exactly as for `npm start`.
 */
export async function startServer(
  configDir: string,
  env: NodeJS.ProcessEnv = process.env,
  log?: Logger,
  switchLink?: CallControllerOptions['link'],
): Promise<RunningServer> {
  const loaded = await loadConfig(configDir, env);
  if (!loaded.ok) {
    throw new Error(`config in ${configDir} is not valid:\n${loaded.issues.map(formatIssue).join('\n')}`);
  }
  const settings = loaded.config.server;
  const logger = log ?? createLogger(settings.logLevel);
  const config = new ConfigWatcher(loaded.config, logger, env);
  const db = openDatabase(settings.database, schema);
  const checkpointer = WalCheckpointer.launch(db, {
    path: settings.database,
    idleTruncateMs: settings.walTruncateIdleMs,
    log: logger.child({ area: 'store' }),
  });
  const now = () => new Date();

  const users = new UserStore(db);
  const sessions = new SessionStore(db);
  const outbox = new SmsOutbox(db);
  const driver: SmsDriver = settings.sms ? new SmppDriver(settings.sms, logger) : new UnconfiguredDriver();
  const smsWorker = new OutboxWorker({ outbox, driver, log: logger });
  const attachmentsDir = settings.database === ':memory:' ? join(process.cwd(), 'data', 'attachments') : join(dirname(settings.database), 'attachments');
  const tickets = createTicketArea({
    db,
    config,
    users,
    sms: outbox,
    attachmentsDir,
    now,
    onRecompute: (r) => {
      if (r.changed > 0) logger.info(r, 'provisional ticket deadlines recomputed on the calendar in force');
    },
  });
  // Told from 30 days before deadlines reach a year without holiday data; hourly, and at once.
  const calendarNotice = () => {
    const r = noticeCalendarGap({ coverage: () => tickets.coverage(now()), sms: outbox, adminMobiles: () => users.adminMobiles() }, now());
    if (r.queued > 0) logger.warn({ admins: r.queued }, 'no holiday data for next year: admins told by SMS');
  };
  calendarNotice();

  const acd = new CallDistributor({
    seats: loaded.config.routing.seats,
    wrapUpS: loaded.config.routing.acd.wrapUpS,
    averageHandleS: 180,
    now: () => now().getTime(),
    store: new AcdStore(db, logger.child({ area: 'acd' })),
  });
  acd.follow(config);
  const figures = new Figures(db, () => config.current.routing, now);
  const alerts = new TransferAlerts(db, figures, () => config.current.routing, outbox);
  let calendar = workingCalendarOf(config.current);
  config.onChange((c) => (calendar = workingCalendarOf(c)));
  // Registered on the app's registry once the app exists; calls may start only after that.
  const firstCommand = new Histogram({
    name: 'cti_esl_first_command_seconds',
    help: 'Per call: CHANNEL_DATA received from FreeSWITCH to the first sendmsg written (goal: p99 under 20 ms)',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [],
  });
  const calls = new CallController({
    config,
    db,
    acd,
    calendar: () => calendar,
    log: logger,
    firstCommandMs: (ms) => firstCommand.observe(ms / 1000),
    ...(switchLink ? { link: switchLink } : {}),
    surveyTaken: (callId, score) => {
      tickets.desk
        .noteCallSurvey(callId, score)
        .catch((err: unknown) => logger.error({ err, call: callId }, "the survey score could not be noted on the call's tickets"));
    },
  });
  const feed = new LiveFeed();
  // The rate is checked each minute, and again as each transfer attempt ends, so the wallboard
  // and the department head hear of a drop below 95% at once.
  const checkAlerts = () => {
    const changed = alerts.run(now());
    if (changed.opened.length + changed.closed.length === 0) return;
    logger.warn(changed, 'transfer answer-rate alerts changed');
    feed.publish({
      type: 'alerts',
      ...changed,
      items: alerts.open().map((a) => ({ kind: a.kind, subject: a.subject, detail: JSON.parse(a.detail) as unknown })),
    });
  };
  // A leg still ringing at 15 s is a miss from that instant (docs/figures.md): the alert is
  // checked then too, not only when the ring times out or at the next minute.
  const ringingChecks = new Set<string>();
  calls.transfers.on('transfer', (m) => {
    if (!m.attempt) return;
    if (m.attempt.state !== 'ringing' && m.attempt.state !== 'consulting') checkAlerts();
    else if (m.attempt.state === 'ringing' && !ringingChecks.has(m.call_id)) {
      // one transfer rings at a time on a call: its id keys the pending check
      ringingChecks.add(m.call_id);
      setTimeout(
        () => {
          ringingChecks.delete(m.call_id);
          checkAlerts();
        },
        config.current.routing.transfer.answerTargetS * 1000 + 100,
      ).unref();
    }
  });
  const app = await buildApp({
    config,
    db,
    log: logger,
    freeswitchState: () => calls.freeswitchState,
    activeCalls: () => calls.activeCalls,
    users,
    sessions,
    tickets,
    outbox,
    reports: { figures, alerts },
    acd,
    transfers: { desk: calls.transfers, calendar: () => calendar },
    feed,
    now,
  });
  app.metrics.registerMetric(firstCommand);
  new Gauge({
    name: 'cti_calls_in_progress',
    help: 'Calls whose flow this controller is running (outbound socket sessions)',
    registers: [app.metrics],
    collect() {
      this.set(calls.activeCalls);
    },
  });
  // issue 19: a WAL that grew to 503 MB went unseen; an alert on this gauge would have told
  new Gauge({
    name: 'cti_sqlite_wal_bytes',
    help: 'Size of the SQLite write-ahead log file (database-wal); emptied after wal_truncate_idle_s without a write',
    registers: [app.metrics],
    collect() {
      this.set(walBytes(settings.database));
    },
  });
  const sweepJob = cron.schedule(
    '* * * * *',
    () => {
      const changed = tickets.sweep.run(now());
      if (changed.yellow + changed.red > 0) logger.info(changed, 'ticket lights changed');
    },
    { name: 'ticket-light-sweep', noOverlap: true },
  );
  const alertJob = cron.schedule('* * * * *', checkAlerts, { name: 'transfer-rate-alerts', noOverlap: true });
  const calendarJob = cron.schedule('7 * * * *', calendarNotice, { name: 'calendar-coverage-notice', noOverlap: true });
  const close = async () => {
    config.stop();
    await sweepJob.destroy();
    await alertJob.destroy();
    await calendarJob.destroy();
    await smsWorker.stop();
    await calls.close();
    await driver.close();
    await app.close();
    await checkpointer?.stop();
    // the turn's queued writes (the ACD's last changes among them) before the file is closed
    GroupCommit.of(db).flushNow();
    db.close();
  };
  const halt = () => {
    if (!db.open) return; // closed already
    config.stop();
    checkpointer?.halt();
    db.close();
  };
  let url = IN_PROCESS_URL;
  let eslPort = 0;
  try {
    if (switchLink) {
      await app.ready();
      calls.connect();
    } else {
      url = await app.listen(settings.http).catch((err: unknown) => {
        throw listenFailure('http', settings.http, err, configDir);
      });
      eslPort = await calls.start().catch((err: unknown) => {
        throw listenFailure('esl', settings.eslListener, err, configDir);
      });
    }
  } catch (err) {
    // A port that cannot be opened ends the start: close the HTTP listener, timers, the
    // checkpoint thread and the database opened so far, so a caller that goes on (the demo,
    // tests) is not left with half a server, and the process can end on its own.
    await close().catch((closeErr: unknown) => logger.warn({ err: closeErr }, 'closing after a failed start'));
    throw err;
  }
  config.start();
  smsWorker.start(SMS_POLL_MS);
  logger.info(
    {
      url,
      eslPort,
      freeswitch: `${settings.freeswitch.host}:${settings.freeswitch.port}`,
      config: config.current.dir,
      database: settings.database,
      sms: driver.name,
    },
    'CTI server listening',
  );
  return { app, calls, config, db, url, close, halt };
}

/** The two ports this server listens on, and what an operator changes to move each. */
const LISTENERS = {
  http: { name: 'HTTP (pages, API, /metrics)', port: ['CTI_HTTP_PORT', 'http.port'], host: ['CTI_HTTP_HOST', 'http.host'], after: '' },
  esl: {
    name: "the outbound ESL listener (FreeSWITCH's socket app connects here)",
    port: ['CTI_ESL_PORT', 'esl_listener.port'],
    host: [undefined, 'esl_listener.host'],
    // the generated dialplan names this address: FreeSWITCH keeps dialling the old one otherwise
    after: '; then regenerate the dialplan (npx cti gen-dialplan) so FreeSWITCH connects there',
  },
} as const;

export type Listener = keyof typeof LISTENERS;

/**
 * The one line an operator reads when a listening port cannot be opened (Chinese first, as the
 * other start-up errors): which listener, the address and port, why, and the environment
 * variable and server.yaml field that move it. Shared by `npm start` and `npm run demo`.
 */
export function listenFailureMessage(listener: Listener, address: { host: string; port: number }, errno: string, serverYaml: string): string {
  const l = LISTENERS[listener];
  const where = `${l.name} cannot listen on ${address.host}:${address.port}`;
  // "CTI_HTTP_PORT (the address: CTI_HTTP_HOST), or http.port (http.host) in config/server.yaml"
  const port = `${l.port[0]}${l.host[0] ? ` (the address: ${l.host[0]})` : ''}, or ${l.port[1]} (${l.host[1]}) in ${serverYaml}`;
  const host = `${l.host[0] ? `${l.host[0]}, or ` : ''}${l.host[1]} in ${serverYaml}`;
  switch (errno) {
    case 'EADDRINUSE':
      return `端口已被占用 (address in use): ${where}, another program holds it (perhaps this server or the demo, already running). Stop that program, or choose another port with ${port}${l.after}`;
    case 'EADDRNOTAVAIL':
      return `地址不可用 (address not available): ${where}, no network interface of this machine has that address. Choose another address with ${host}${l.after}`;
    case 'EACCES':
      return `无权使用该端口 (permission denied): ${where}, this user may not open it (ports below 1024 need root or CAP_NET_BIND_SERVICE). Choose a port from 1024 up with ${port}${l.after}`;
    default:
      return `无法监听 (cannot listen): ${where} (${errno}). Check the address and port: ${port}${l.after}`;
  }
}

/** A listening port that could not be opened; its message is the line printed on stderr. */
export class ListenFailure extends Error {
  constructor(
    readonly listener: Listener,
    readonly address: { host: string; port: number },
    readonly errno: string,
    serverYaml: string,
  ) {
    super(listenFailureMessage(listener, address, errno, serverYaml));
    this.name = 'ListenFailure';
  }
}

/** server.yaml as the admin would type it: relative when under the working folder (as config errors show it). */
function serverYamlOf(configDir: string): string {
  const file = join(resolve(configDir), 'server.yaml');
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/**
 * The system error code of a failed listen. fastify passes node's error on (`code`); the ESL
 * listener wraps it in a CtiError whose message keeps node's text ("listen EADDRINUSE: …")
 * but not its code, so that text is read. Anything else is not a listen failure.
 */
function errnoOf(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  return /\blisten (E[A-Z]+)\b/.exec(String((err as Error | undefined)?.message))?.[1];
}

function listenFailure(listener: Listener, address: { host: string; port: number }, err: unknown, configDir: string): unknown {
  const errno = errnoOf(err);
  return errno ? new ListenFailure(listener, address, errno, serverYamlOf(configDir)) : err;
}

/**
 * Opens and closes each fixed port of @settings, so a caller can stop before it changes
 * anything (the demo removes its database first). Port 0 (any free port) is not checked. A
 * port can still be taken between this check and the real listen; startServer reports that too.
 */
export async function checkListenPorts(settings: Pick<ServerSettings, 'http' | 'eslListener'>, configDir: string): Promise<void> {
  for (const [listener, address] of [
    ['http', settings.http],
    ['esl', settings.eslListener],
  ] as const) {
    if (address.port === 0) continue;
    await new Promise<void>((resolveCheck, reject) => {
      const probe = createServer();
      probe.once('error', (err) => reject(listenFailure(listener, address, err, configDir)));
      probe.listen(address.port, address.host, () => probe.close(() => resolveCheck()));
    });
  }
}

async function runFromCommandLine(): Promise<void> {
  const dir = resolve(process.env.CTI_CONFIG ?? 'config');
  let server: RunningServer;
  try {
    server = await startServer(dir);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  const stop = async (signal: string) => {
    server.app.log.info({ signal }, 'shutting down');
    await server.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await runFromCommandLine();
