// One TCP connection to the SMSC, bound as a transmitter. The smpp package leaves three
// things to its user that matter here: a response that never comes never calls back (so
// every request has a timer), a dropped socket leaves waiting callbacks hanging (so we
// fail them on 'close'), and an 'error' event with no listener would crash the process.
import smpp, { type PDU, type Session } from 'smpp';
import type { Logger } from 'pino';
import { CtiError } from '../../errors.js';

export interface LinkSettings {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType: string;
  timeoutMs: number;
  enquireLinkMs: number;
  log?: Logger;
}

/** Statuses after which the same submit_sm can never succeed; everything else is retried. */
const PERMANENT_SUBMIT_STATUSES = new Set(['ESME_RINVDSTADR', 'ESME_RINVMSGLEN', 'ESME_RINVDCS']);

const BIND_HINTS: Record<string, string> = {
  ESME_RINVPASWD: 'check the SMS gateway password',
  ESME_RINVSYSID: 'check the SMS gateway system_id',
  ESME_RBINDFAIL: 'check the SMS gateway account',
};

export function statusName(status: number): string {
  return Object.entries(smpp.errors).find(([, code]) => code === status)?.[0] ?? 'unknown status';
}

const hex = (n: number) => `0x${n.toString(16).toUpperCase().padStart(8, '0')}`;

export class SmppLink {
  private readonly waiting = new Set<(err: Error) => void>();
  private closedBy: Error | undefined;
  private socketError: Error | undefined;
  private enquireTimer: NodeJS.Timeout | undefined;
  private bound = false;
  private closing = false;
  private markEnded!: () => void;
  /** resolves on the socket's 'close' */
  private readonly ended = new Promise<void>((resolve) => (this.markEnded = resolve));

  private constructor(
    private readonly session: Session,
    private readonly s: LinkSettings,
  ) {
    session.on('error', (err: Error) => (this.socketError = err));
    session.on('close', () => this.onClosed());
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: PDU) => this.onUnbind(pdu));
    // A transmitter gets no deliver_sm, but answering keeps a confused SMSC from resending.
    session.on('deliver_sm', (pdu: PDU) => session.send(pdu.response()));
  }

  /** Connects and binds; rejects with a CtiError naming the address or the bind status. */
  static async open(s: LinkSettings): Promise<SmppLink> {
    const link = new SmppLink(smpp.connect({ host: s.host, port: s.port }), s);
    try {
      await link.connected();
      await link.request('bind_transmitter', { system_id: s.systemId, password: s.password, system_type: s.systemType, interface_version: 0x34 });
    } catch (err) {
      link.session.destroy();
      throw err;
    }
    link.bound = true;
    link.startEnquireLink();
    return link;
  }

  get alive(): boolean {
    return this.closedBy === undefined;
  }

  /** Sends a request and resolves with its response when command_status is 0. */
  request(command: string, params: Record<string, unknown>): Promise<PDU> {
    return new Promise((resolve, reject) => {
      if (this.closedBy) return reject(this.closedBy);
      const settle = this.waiter(reject, `no ${command}_resp within ${this.s.timeoutMs / 1000} s`);
      const written = this.session.send(new smpp.PDU(command, params), (resp) => {
        if (!settle()) return;
        if (resp.command_status === 0) resolve(resp);
        else reject(this.refused(command, resp.command_status));
      });
      if (!written && settle()) reject(this.unreachable('the connection is not writable'));
    });
  }

  /** Unbinds politely, then closes (destroying the socket if the SMSC lingers); never rejects. */
  async close(): Promise<void> {
    if (this.alive) {
      this.closing = true;
      await this.request('unbind', {}).catch(() => undefined);
      this.session.close();
    }
    const force = setTimeout(() => this.session.destroy(), this.s.timeoutMs).unref();
    await this.ended;
    clearTimeout(force);
  }

  private connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = this.waiter(reject, `no TCP connection within ${this.s.timeoutMs / 1000} s`);
      this.session.once('connect', () => settle() && resolve());
    });
  }

  /**
   * Registers a waiter that a timeout or the connection closing rejects. Returns `settle`:
   * true the first time it is called (the caller then resolves or rejects), false if the
   * waiter already ended. A timeout also drops the connection: an SMSC that stops
   * answering is treated as gone, and the next send binds afresh.
   */
  private waiter(reject: (err: Error) => void, timeoutMessage: string): () => boolean {
    let done = false;
    const end = () => {
      if (done) return false;
      done = true;
      clearTimeout(timer);
      this.waiting.delete(fail);
      return true;
    };
    const fail = (err: Error) => end() && reject(err);
    const timer = setTimeout(() => this.drop(this.unreachable(timeoutMessage)), this.s.timeoutMs);
    this.waiting.add(fail);
    return end;
  }

  private onClosed(): void {
    const why = this.socketError ? this.socketError.message : 'the SMSC closed the connection';
    this.closedBy ??= this.unreachable(why);
    clearInterval(this.enquireTimer);
    for (const fail of [...this.waiting]) fail(this.closedBy);
    this.markEnded();
    // A failed connect or bind is reported by the send that tried it; only a drop is news here.
    if (this.bound && !this.closing)
      this.s.log?.warn({ smsc: `${this.s.host}:${this.s.port}`, reason: this.closedBy.message }, 'SMPP session dropped; the next send binds again');
  }

  /** Marks the link dead at once (so the next send binds afresh), then fails every waiter via 'close'. */
  private drop(reason: CtiError): void {
    this.closedBy ??= reason;
    this.session.destroy();
  }

  private onUnbind(pdu: PDU): void {
    this.closedBy = this.unreachable('the SMSC unbound the session');
    this.session.send(pdu.response());
    this.session.close();
  }

  /** Our own enquire_link, with an answer check the package's auto_enquire_link_period lacks. */
  private startEnquireLink(): void {
    if (this.s.enquireLinkMs <= 0) return;
    this.enquireTimer = setInterval(() => void this.request('enquire_link', {}).catch(() => undefined), this.s.enquireLinkMs);
    this.enquireTimer.unref();
  }

  private unreachable(why: string): CtiError {
    return new CtiError('SMS_GATEWAY_UNREACHABLE', `SMPP ${this.s.host}:${this.s.port}: ${why}`, { permanent: false });
  }

  private refused(command: string, status: number): CtiError {
    const name = statusName(status);
    const hint = command.startsWith('bind_') && BIND_HINTS[name] ? ` — ${BIND_HINTS[name]}` : '';
    const permanent = command === 'submit_sm' && PERMANENT_SUBMIT_STATUSES.has(name);
    return new CtiError('SMS_GATEWAY_REFUSED', `SMPP ${command} refused: ${name} (${hex(status)})${hint}`, { command, status, statusName: name, permanent });
  }
}
