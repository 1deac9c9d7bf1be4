// Sends through an SMSC over SMPP 3.4 as a transmitter. The connection is made on the
// first send and made again on the first send after it drops, so the driver needs no
// start-up order with the gateway and survives its restarts.
import type { Logger } from 'pino';
import type { OutgoingSms, SmsDriver } from './driver.js';
import { SmppLink } from './smpp-link.js';
import { ucs2Parts, type SmsPart } from './ucs2.js';

/** The `sms:` section of server.yaml, as the SMPP driver takes it. */
export interface SmppOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  /** the sender number shown on phones, e.g. "12345" or an SP code "106…" */
  sourceAddr: string;
  systemType?: string;
  /** seconds between enquire_link keep-alives; 0 turns them off (default 30) */
  enquireLinkS?: number;
  /** seconds to wait for the TCP connection and for each response (default 10) */
  timeoutS?: number;
  /** after a failed connect or bind, sends fail at once for this many seconds instead of trying again (default 5) */
  rebindHoldS?: number;
  /** "international": 8613800138000 with TON 1 (default); "national": 13800138000 with TON 2 */
  destinationFormat?: 'international' | 'national';
}

const UCS2 = 0x08;
const TON = { unknown: 0, international: 1, national: 2, alphanumeric: 5 };
const NPI = { unknown: 0, isdn: 1 };

export class SmppDriver implements SmsDriver {
  readonly name = 'smpp';
  private current: SmppLink | undefined;
  private binding: Promise<SmppLink> | undefined;
  private lastFailure: { at: number; error: unknown } | undefined;
  private closed = false;

  constructor(
    private readonly options: SmppOptions,
    private readonly log?: Logger,
  ) {}

  /** Submits every part; the provider id is the SMSC's message_id, comma-joined for a multi-part text. */
  async send(msg: OutgoingSms): Promise<{ providerMessageId: string }> {
    const link = await this.bound();
    const ids: string[] = [];
    for (const part of ucs2Parts(msg.text, msg.id)) {
      const resp = await link.request('submit_sm', this.submitParams(msg.to, part));
      ids.push(String(resp.message_id ?? ''));
    }
    return { providerMessageId: ids.join(',') };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.binding?.catch(() => undefined);
    await this.current?.close();
    this.current = undefined;
  }

  private bound(): Promise<SmppLink> {
    if (this.closed) return Promise.reject(new Error('the SMPP driver is closed'));
    if (this.current?.alive) return Promise.resolve(this.current);
    // Concurrent sends share one bind attempt.
    this.binding ??= this.bind().finally(() => (this.binding = undefined));
    return this.binding;
  }

  private async bind(): Promise<SmppLink> {
    const holdMs = (this.options.rebindHoldS ?? 5) * 1000;
    if (this.lastFailure && Date.now() - this.lastFailure.at < holdMs) throw this.lastFailure.error;
    try {
      this.current = await SmppLink.open({
        host: this.options.host,
        port: this.options.port,
        systemId: this.options.systemId,
        password: this.options.password,
        systemType: this.options.systemType ?? '',
        timeoutMs: (this.options.timeoutS ?? 10) * 1000,
        enquireLinkMs: (this.options.enquireLinkS ?? 30) * 1000,
        ...(this.log ? { log: this.log } : {}),
      });
      this.lastFailure = undefined;
      this.log?.info({ smsc: `${this.options.host}:${this.options.port}`, systemId: this.options.systemId }, 'SMPP bound as transmitter');
      return this.current;
    } catch (error) {
      this.lastFailure = { at: Date.now(), error };
      throw error;
    }
  }

  private submitParams(to: string, part: SmsPart): Record<string, unknown> {
    const numeric = /^[0-9]+$/.test(this.options.sourceAddr);
    const international = (this.options.destinationFormat ?? 'international') === 'international';
    return {
      source_addr_ton: numeric ? TON.unknown : TON.alphanumeric,
      source_addr_npi: numeric ? NPI.isdn : NPI.unknown,
      source_addr: this.options.sourceAddr,
      dest_addr_ton: international ? TON.international : TON.national,
      dest_addr_npi: NPI.isdn,
      destination_addr: international ? `86${to}` : to,
      data_coding: UCS2,
      short_message: part,
    };
  }
}
