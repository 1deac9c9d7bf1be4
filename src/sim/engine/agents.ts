// A seat's softphone, driven step by step from a test or by its behaviour: answer, reject,
// busy, hang up, press digits. Legs to `user/<id>` remember the agent they ring.
import { parseCause } from './causes.js';
import type { Channel } from './channel.js';
import type { Core } from './core.js';
import type { AgentBehaviour } from './endpoints.js';
import { hangup } from './lifecycle.js';
import { answerLeg } from './originate.js';
import { delay } from './waker.js';

export class AgentHandle {
  constructor(
    private readonly core: Core,
    readonly id: string,
  ) {}

  get behaviour(): AgentBehaviour | undefined {
    return this.core.endpoints.agent(this.id);
  }

  /** Registers the softphone; without answerAfterS the agent is driven from here. */
  register(behaviour: Partial<Omit<AgentBehaviour, 'id'>> = {}): this {
    this.core.endpoints.setAgent({ ...this.behaviour, ...behaviour, id: this.id, registered: true });
    return this;
  }

  unregister(): this {
    this.core.endpoints.setAgent({ ...(this.behaviour ?? { id: this.id }), id: this.id, registered: false });
    return this;
  }

  /** Every live leg to this agent, oldest first. */
  calls(): Channel[] {
    return [...this.core.channels.values()].filter((ch) => ch.sim.agent === this.id && ch.ready);
  }

  ringing(): Channel[] {
    return this.calls().filter((ch) => !ch.answered);
  }

  /** The first leg that rings (CHANNEL_PROGRESS sent), waiting up to `timeoutMs`. */
  async waitForRing(timeoutMs = 10_000): Promise<Channel> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const leg = this.ringing().find((ch) => ch.ringReady || ch.earlyMedia);
      if (leg) return leg;
      if (Date.now() >= until) throw new Error(`agent ${this.id}: no call rang within ${timeoutMs} ms`);
      await delay(10);
    }
  }

  /** Picks up a ringing leg (the oldest, or the one named). */
  answer(uuid?: string): boolean {
    const leg = this.pick(this.ringing(), uuid);
    if (!leg) return false;
    answerLeg(this.core, leg, leg.sim.talkMs);
    return true;
  }

  /** Declines a ringing leg: CALL_REJECTED (603), or another cause. */
  reject(cause = 'CALL_REJECTED', uuid?: string): boolean {
    const leg = this.pick(this.ringing(), uuid);
    if (!leg) return false;
    hangup(this.core, leg, parseCause(cause));
    return true;
  }

  busy(uuid?: string): boolean {
    return this.reject('USER_BUSY', uuid);
  }

  /** Hangs up the agent's answered leg (a BYE from the phone: NORMAL_CLEARING). */
  hangup(cause = 'NORMAL_CLEARING', uuid?: string): boolean {
    const leg = this.pick(
      this.calls().filter((ch) => ch.answered),
      uuid,
    );
    if (!leg) return false;
    hangup(this.core, leg, parseCause(cause));
    return true;
  }

  /** Digits from the phone (RFC 2833), on the answered leg. */
  dtmf(digits: string, uuid?: string): boolean {
    const leg = this.pick(
      this.calls().filter((ch) => ch.mediaReady),
      uuid,
    );
    if (!leg) return false;
    leg.queueDtmf(digits);
    return true;
  }

  private pick(legs: Channel[], uuid?: string): Channel | undefined {
    return uuid ? legs.find((ch) => ch.uuid === uuid) : legs[0];
  }
}
