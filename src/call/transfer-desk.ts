// Every caller now talking with an agent, by call id: what the transfer API and the agent's
// softphone feature codes act on. Each change is emitted for the live feed.
import { EventEmitter } from 'node:events';
import type { Db } from '../store/index.js';
import { CtiError } from '../errors.js';
import { AttemptStore, FeatureCodeReader, type FeatureCommand, type TicketPrefill } from '../transfer/index.js';
import { AgentTalk, type TalkServices, type TalkSetup } from './agent-talk.js';
import { CallLegs } from './call-legs.js';

export interface TransferMessage {
  type: 'transfer';
  call_id: string;
  seat: string;
  phase: AgentTalk['phase'];
  attempt: ReturnType<AgentTalk['view']>['attempt'];
  ticket_prefill?: TicketPrefill;
  message?: string;
}

/** What every talk shares, less what the desk itself provides (the store, the change events). */
export type TransferDeskOptions = Omit<TalkServices, 'store' | 'changed'> & { db: Db };

export class TransferDesk extends EventEmitter<{ transfer: [TransferMessage] }> {
  readonly store: AttemptStore;
  private readonly talks = new Map<string, AgentTalk>();
  /** by the agent's leg: the talk and the feature code being typed on that phone */
  private readonly phones = new Map<string, { talk: AgentTalk; codes: FeatureCodeReader }>();

  constructor(private readonly opts: TransferDeskOptions) {
    super();
    this.store = new AttemptStore(opts.db, new CallLegs(opts.db));
  }

  /** The agent answered: from now on the talk can be transferred. */
  open(setup: TalkSetup): AgentTalk {
    const { db: _db, ...shared } = this.opts;
    const talk = new AgentTalk(setup, {
      ...shared,
      store: this.store,
      changed: (t, extra) => this.emit('transfer', { type: 'transfer', ...t.view(), ...extra }),
    });
    this.talks.set(setup.callId, talk);
    this.phones.set(setup.agentLeg, { talk, codes: new FeatureCodeReader() });
    void talk.settled.then(() => {
      if (this.talks.get(setup.callId) === talk) this.talks.delete(setup.callId);
      this.phones.delete(setup.agentLeg);
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
    const phone = this.phones.get(leg);
    const command = phone?.codes.push(digit, at.getTime());
    if (!phone || !command) return;
    const { talk } = phone;
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

  get size(): number {
    return this.talks.size;
  }
}
