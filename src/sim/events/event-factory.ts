// Creates events with the header block FreeSWITCH puts first on every event it fires
// (switch_event_prep_for_delivery_detailed, src/switch_event.c ~1973, called when the event is
// created): Event-Name, Core-UUID, FreeSWITCH-Hostname/-Switchname/-IPv4/-IPv6,
// Event-Date-Local/-GMT/-Timestamp, Event-Calling-File/-Function/-Line-Number, Event-Sequence,
// then Event-Subclass for CUSTOM events. One factory per simulated switch: the sequence number is
// global, as in FreeSWITCH.

import { randomUUID } from 'node:crypto';
import type { Headers, SimClock } from '../contracts.js';
import { localDate, rfc822Date } from './event-dates.js';
import { EventDraft } from './event-draft.js';
import { EVENT_ORIGINS, UNKNOWN_ORIGIN, type EventOrigin } from './event-origins.js';

export interface SwitchIdentity {
  coreUuid: string;
  hostname: string;
  switchname: string;
  ipv4: string;
  ipv6: string;
  /** the switch's local time zone, minutes east of UTC (480 = China Standard Time) */
  utcOffsetMinutes: number;
}

export interface EventFactoryOptions extends Partial<SwitchIdentity> {
  clock: SimClock;
  /** uuid source for Core-UUID, Job-UUIDs and the like; seed it for repeatable runs */
  newUuid?: () => string;
  /** the first Event-Sequence will be this plus one */
  sequenceStart?: number;
}

export class EventFactory {
  readonly identity: SwitchIdentity;
  readonly clock: SimClock;
  private readonly uuidSource: () => string;
  private sequence: number;

  constructor(options: EventFactoryOptions) {
    this.clock = options.clock;
    this.uuidSource = options.newUuid ?? randomUUID;
    this.sequence = options.sequenceStart ?? 0;
    const hostname = options.hostname ?? 'fs-sim';
    this.identity = {
      coreUuid: options.coreUuid ?? this.uuidSource(),
      hostname,
      switchname: options.switchname ?? hostname,
      ipv4: options.ipv4 ?? '127.0.0.1',
      ipv6: options.ipv6 ?? '::1',
      utcOffsetMinutes: options.utcOffsetMinutes ?? 480,
    };
  }

  newUuid(): string {
    return this.uuidSource();
  }

  /** The common block for an event created now; each call takes the next Event-Sequence. */
  commonHeaders(name: string, origin: EventOrigin = EVENT_ORIGINS[name] ?? UNKNOWN_ORIGIN): Headers {
    const us = Math.trunc(this.clock.nowUs());
    const id = this.identity;
    this.sequence += 1;
    return [
      ['Event-Name', name],
      ['Core-UUID', id.coreUuid],
      ['FreeSWITCH-Hostname', id.hostname],
      ['FreeSWITCH-Switchname', id.switchname],
      ['FreeSWITCH-IPv4', id.ipv4],
      ['FreeSWITCH-IPv6', id.ipv6],
      ['Event-Date-Local', localDate(us, id.utcOffsetMinutes)],
      ['Event-Date-GMT', rfc822Date(us)],
      ['Event-Date-Timestamp', String(us)],
      ['Event-Calling-File', origin.file],
      ['Event-Calling-Function', origin.func],
      ['Event-Calling-Line-Number', String(origin.line)],
      ['Event-Sequence', String(this.sequence)],
    ];
  }

  /**
   * A new event: the common block, then Event-Subclass for a CUSTOM event. Add the rest with
   * the draft's add/channel/body and finish with build(). The origin defaults to EVENT_ORIGINS.
   */
  create(name: string, options: { origin?: EventOrigin; subclass?: string } = {}): EventDraft {
    const headers = this.commonHeaders(name, options.origin);
    if (options.subclass !== undefined) headers.push(['Event-Subclass', options.subclass]);
    return new EventDraft(name, headers, options.subclass);
  }
}
