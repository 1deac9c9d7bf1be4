// Firing events. The engine decides which event, when, and with which extra headers; the
// protocol half's EventFactory writes the common set (docs/esl-protocol.md §1.5) and the channel
// block from a snapshot (§4). Extra headers go where FreeSWITCH adds them: `lead` before the
// channel data (Hangup-Cause of HANGUP_COMPLETE, Bridge-*-Unique-ID, Original-Channel-Call-State),
// `tail` after it (Application-*, DTMF-*, Playback-*), `prefix` before even the common set (a
// cloned command such as PRIVATE_COMMAND, whose own headers come first).
import type { EventBus, Headers, SimEvent } from '../contracts.js';
import { EventDraft, carriesVariables, channelBasicHeaders, type EventFactory, type EventOrigin, type LeanRecipe } from '../events/index.js';
import type { Channel } from './channel.js';
import { channelSnapshot } from './facts.js';

/** Event-Calling-File / -Function / -Line-Number of the FreeSWITCH code that fires the event. */
export type CallSite = EventOrigin;

export interface ChannelEventOptions {
  site: CallSite;
  prefix?: Headers;
  lead?: Headers;
  tail?: Headers;
  subclass?: string;
  body?: string;
}

/** variable_* and scope_variable_*, in any case: the names of the channel's variable block. */
const VARIABLE_NAME = /^(scope_)?variable_/i;

function namesVariable(headers: Headers | undefined): boolean {
  return headers?.some(([n]) => VARIABLE_NAME.test(n)) ?? false;
}

export class Emitter {
  /** the switch's own consumers of its events (the core database's tables) */
  private readonly taps: Array<(event: SimEvent) => void> = [];

  constructor(
    private readonly bus: EventBus,
    readonly factory: EventFactory,
  ) {}

  /**
   * An event about one channel, with that channel's data (variables for the events that carry
   * them). The channel is copied now; its two hundred headers are written only if a listener
   * or tap reads the event.
   */
  channel(name: string, ch: Channel, opts: ChannelEventOptions): SimEvent {
    const draft = this.draft(name, opts.site, opts.subclass, opts.prefix);
    const snapshot = channelSnapshot(ch);
    const lead = opts.lead ?? [];
    const tail = opts.tail ?? [];
    // A header of its own named like a variable could meet the variable block in the draft's
    // rules (a removal, an array); then a reader gets the whole list only.
    const apart = !namesVariable(opts.prefix) && !namesVariable(lead) && !namesVariable(tail);
    const lean: LeanRecipe | undefined = apart
      ? { finish: (d) => d.addAll(lead).channelBasic(snapshot).addAll(tail), variables: carriesVariables(snapshot, name) ? snapshot.variables : undefined }
      : undefined;
    const event = draft.buildLater(snapshot.uuid, [lead, tail], (d) => d.addAll(lead).channel(snapshot).addAll(tail), opts.body, lean);
    return this.publish(event);
  }

  /** An event whose headers the caller composed (channel data placed with `channelHeaders`). */
  plain(name: string, site: CallSite, headers: Headers, opts: { subclass?: string; body?: string; channelUuid?: string } = {}): SimEvent {
    const draft = this.draft(name, site, opts.subclass).addAll(headers);
    if (opts.body !== undefined) draft.body(opts.body);
    const event = draft.build();
    if (opts.channelUuid !== undefined) event.channelUuid = opts.channelUuid;
    return this.publish(event);
  }

  /** A channel's basic data (no variables), for events that place it among other headers. */
  channelHeaders(ch: Channel): Headers {
    return channelBasicHeaders(channelSnapshot(ch));
  }

  private draft(name: string, site: CallSite, subclass?: string, prefix?: Headers): EventDraft {
    if (!prefix) return this.factory.create(name, { origin: site, subclass });
    const common = this.factory.commonHeaders(name, site);
    if (subclass !== undefined) common.push(['Event-Subclass', subclass]);
    return new EventDraft(name, [...prefix, ...common], subclass);
  }

  /** Sees every event before the bus does, as core_event_handler is bound first. */
  tap(fn: (event: SimEvent) => void): void {
    this.taps.push(fn);
  }

  private publish(event: SimEvent): SimEvent {
    for (const fn of this.taps) fn(event);
    this.bus.publish(event);
    return event;
  }
}
