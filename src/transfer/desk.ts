// Every caller now talking with an agent, by call id: what the transfer API and the agent's
// softphone feature codes act on. Each change is emitted for the live feed.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { CtiConfig } from '../config/index.js';
import type { WorkingCalendar } from '../calendar/index.js';
import type { Db } from '../store/index.js';
import { CtiError } from '../errors.js';
import { AttemptStore } from './attempt-store.js';
import { AgentTalk, type TalkSetup } from './agent-talk.js';
import type { SwitchLink } from './attempt.js';
import type { TicketPrefill } from './rules.js';
import { FeatureCodeReader, type FeatureCommand } from './feature-codes.js';

export interface TransferMessage {
  type: 'transfer';
  call_id: string;
  seat: string;
  phase: AgentTalk['phase'];
  attempt: ReturnType<AgentTalk['view']>['attempt'];
  ticket_prefill?: TicketPrefill;
  message?: string;
}

export interface TransferDeskOptions {
  db: Db;
  link: SwitchLink;
  config: () => CtiConfig;
  calendar: () => WorkingCalendar;
  agentDone: (seat: string, talkMs: number) => void;
  holdMusic: string;
  log: Logger;
}

export class TransferDesk extends EventEmitter<{ transfer: [TransferMessage] }> {
  readonly store: AttemptStore;
  private readonly talks = new Map<string, AgentTalk>();
  private readonly codes = new Map<string, FeatureCodeReader>();

  constructor(private readonly opts: TransferDeskOptions) {
    super();
    this.store = new AttemptStore(opts.db);
  }

  /** The agent answered: from now on the talk can be transferred. */
  open(setup: TalkSetup): AgentTalk {
    const { link, config, calendar, agentDone, holdMusic, log } = this.opts;
    const talk = new AgentTalk(setup, {
      link,
      store: this.store,
      config,
      calendar,
      agentDone,
      holdMusic,
      log,
      changed: (t, extra) => this.emit('transfer', { type: 'transfer', ...t.view(), ...extra }),
    });
    this.talks.set(setup.callId, talk);
    this.codes.set(setup.agentLeg, new FeatureCodeReader());
    void talk.settled.then(() => {
      if (this.talks.get(setup.callId) === talk) this.talks.delete(setup.callId);
      this.codes.delete(setup.agentLeg);
    });
    return talk;
  }

  /** The talk of a call, checked against the seat asking (a supervisor may act on any seat: seat null). */
  talk(callId: string, seat: string | null): AgentTalk {
    const talk = this.talks.get(callId);
    if (!talk || (seat !== null && talk.seat !== seat)) throw new CtiError('TRANSFER_NO_CALL', undefined, { field: 'id' });
    return talk;
  }

  /**
   * A digit the agent pressed on the softphone (a DTMF event of the agent's leg): a complete
   * feature code acts on the talk like the desktop's buttons. Refusals go to the log and feed.
   */
  digit(leg: string, digit: string, at: Date): void {
    const command = this.codes.get(leg)?.push(digit, at.getTime());
    const talk = command ? this.talkOfAgentLeg(leg) : undefined;
    if (!command || !talk) return;
    this.run(talk, command, at).catch((err: Error & { code?: string }) => {
      this.opts.log.info({ leg, command, err: err.message }, 'feature code refused');
      this.emit('transfer', { type: 'transfer', ...talk.view(), message: err.message });
    });
  }

  private run(talk: AgentTalk, c: FeatureCommand, at: Date): Promise<unknown> {
    if (c.action === 'transfer') return talk.transfer(c.hotline, c.kind, at);
    if (c.action === 'three_way') return talk.threeWay();
    return c.action === 'complete' ? talk.complete() : talk.cancel();
  }

  /** The talk whose agent leg this is. */
  talkOfAgentLeg(leg: string): AgentTalk | undefined {
    return [...this.talks.values()].find((t) => t.setup.agentLeg === leg);
  }

  get size(): number {
    return this.talks.size;
  }
}
