// One FreeSWITCH event with its headers decoded, and the typed view the controller uses.
// Header names and meanings: docs/esl-protocol.md §1.5 (common set), §3.4 (application events),
// §4 (channel events).

export type HeaderValue = string | string[];
export type EventFormat = 'plain' | 'json' | 'xml';

/** The events the controller subscribes to and reads. */
export const CONTROLLER_EVENT_NAMES = [
  'CHANNEL_CREATE',
  'CHANNEL_ANSWER',
  'CHANNEL_BRIDGE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_HOLD',
  'CHANNEL_UNHOLD',
  'DTMF',
  'BACKGROUND_JOB',
  'PLAYBACK_START',
  'PLAYBACK_STOP',
  'HEARTBEAT',
  'CUSTOM',
] as const;

export type ControllerEventName = (typeof CONTROLLER_EVENT_NAMES)[number];

/** Headers FreeSWITCH always sends with each event, so these getters are not optional there. */
interface ChannelFields {
  readonly uuid: string;
}
interface ExecuteFields extends ChannelFields {
  readonly application: string;
  readonly applicationUuid: string;
}
interface EventFields {
  CHANNEL_CREATE: ChannelFields;
  CHANNEL_ANSWER: ChannelFields;
  CHANNEL_BRIDGE: ChannelFields & { readonly bridgeAUuid: string; readonly bridgeBUuid: string };
  CHANNEL_UNBRIDGE: ChannelFields & { readonly bridgeAUuid: string; readonly bridgeBUuid: string };
  CHANNEL_HANGUP: ChannelFields & { readonly hangupCause: string };
  CHANNEL_HANGUP_COMPLETE: ChannelFields & { readonly hangupCause: string };
  CHANNEL_EXECUTE: ExecuteFields;
  CHANNEL_EXECUTE_COMPLETE: ExecuteFields & { readonly applicationResponse: string };
  CHANNEL_HOLD: ChannelFields;
  CHANNEL_UNHOLD: ChannelFields;
  DTMF: ChannelFields & { readonly dtmfDigit: string };
  BACKGROUND_JOB: { readonly jobUuid: string };
  PLAYBACK_START: ChannelFields & { readonly playbackFilePath: string };
  PLAYBACK_STOP: ChannelFields & { readonly playbackFilePath: string; readonly playbackStatus: string };
  HEARTBEAT: object;
  CUSTOM: { readonly subclass: string };
}

/** An event narrowed by its name, e.g. `TypedEvent<'DTMF'>` has `dtmfDigit: string`. */
export type TypedEvent<N extends ControllerEventName> = EslEvent & { readonly name: N } & EventFields[N];

/** Any of the controller's events, discriminated by `name`. */
export type ControllerEvent = { [N in ControllerEventName]: TypedEvent<N> }[ControllerEventName];

/**
 * Headers still in their wire form, read one name at a time until enough are asked for that
 * decoding them all is cheaper. A call's events carry a hundred headers each, of which the
 * controller reads a handful.
 */
export interface UndecodedHeaders {
  /** the first header of this exact name, decoded */
  find(name: string): HeaderValue | undefined;
  /** every header in wire order, decoded */
  decodeAll(): Array<readonly [string, HeaderValue]>;
}

/** Lookups of single headers after which the whole block is decoded instead. */
const SINGLE_LOOKUPS = 16;

export class EslEvent {
  /** Event-Name */
  readonly name: string;
  /** Unique-ID: the channel the event is about */
  readonly uuid: string | undefined;
  private decoded: ReadonlyArray<readonly [string, HeaderValue]> | undefined;
  private undecoded: UndecodedHeaders | undefined;
  private byName: ReadonlyMap<string, HeaderValue> | undefined;
  private lookups = 0;

  constructor(
    /** every header in wire order, duplicates kept (HANGUP_COMPLETE sends Hangup-Cause twice), or the undecoded block */
    source: ReadonlyArray<readonly [string, HeaderValue]> | UndecodedHeaders,
    /** the event body (BACKGROUND_JOB: the API output), undefined when it has none */
    readonly body: string | undefined,
    readonly format: EventFormat,
    /** values kept as received because they were not valid percent-encoding or UTF-8 */
    readonly warnings: readonly string[] = [],
  ) {
    if (Array.isArray(source)) this.decoded = source;
    else this.undecoded = source as UndecodedHeaders;
    this.name = text(this.lookup('Event-Name')) ?? '';
    this.uuid = text(this.lookup('Unique-ID'));
  }

  /**
   * Event-Subclass (CUSTOM events). Looked up when asked for: every other event lacks it, and
   * finding that out reads the whole block.
   */
  get subclass(): string | undefined {
    return this.get('Event-Subclass');
  }

  /** every header in wire order, duplicates kept (HANGUP_COMPLETE sends Hangup-Cause twice) */
  get entries(): ReadonlyArray<readonly [string, HeaderValue]> {
    if (!this.decoded) {
      this.decoded = this.undecoded!.decodeAll();
      this.undecoded = undefined;
    }
    return this.decoded;
  }

  /** decoded headers; for a name sent twice, the first value, as switch_event_get_header finds it */
  get headers(): ReadonlyMap<string, HeaderValue> {
    if (!this.byName) {
      const map = new Map<string, HeaderValue>();
      for (const [k, v] of this.entries) if (!map.has(k)) map.set(k, v);
      this.byName = map;
    }
    return this.byName;
  }

  private lookup(name: string): HeaderValue | undefined {
    if (this.undecoded && this.lookups++ < SINGLE_LOOKUPS) return this.undecoded.find(name);
    return this.headers.get(name);
  }

  /** A header as a string; for an array header, its first element. */
  get(name: string): string | undefined {
    return text(this.lookup(name));
  }

  /** Every value sent under this name, in order, arrays flattened. */
  getAll(name: string): string[] {
    return this.entries.filter(([k]) => k === name).flatMap(([, v]) => v);
  }

  /** A header as a list: an ARRAY:: header's elements, or the single value. */
  getArray(name: string): string[] {
    const v = this.lookup(name);
    return v === undefined ? [] : typeof v === 'string' ? [v] : v;
  }

  /** The channel variable `name` (header `variable_<name>`). */
  variable(name: string): string | undefined {
    return this.get(`variable_${name}`);
  }

  /** Every channel variable the event carries, without the `variable_` prefix. */
  variables(): Map<string, HeaderValue> {
    const out = new Map<string, HeaderValue>();
    for (const [k, v] of this.headers) if (k.startsWith('variable_')) out.set(k.slice('variable_'.length), v);
    return out;
  }

  /** Event-Date-Timestamp: µs since the epoch on FreeSWITCH's clock (exact below 2^53). */
  get timestampUs(): number | undefined {
    return integer(this.get('Event-Date-Timestamp'));
  }

  get sequence(): number | undefined {
    return integer(this.get('Event-Sequence'));
  }

  /** Narrows to the typed view of one event name. */
  is<N extends ControllerEventName>(name: N): this is TypedEvent<N> {
    return this.name === name;
  }

  get hangupCause(): string | undefined {
    return this.get('Hangup-Cause');
  }
  get application(): string | undefined {
    return this.get('Application');
  }
  get applicationData(): string | undefined {
    return this.get('Application-Data');
  }
  get applicationUuid(): string | undefined {
    return this.get('Application-UUID');
  }
  get applicationResponse(): string | undefined {
    return this.get('Application-Response');
  }
  get dtmfDigit(): string | undefined {
    return this.get('DTMF-Digit');
  }
  get jobUuid(): string | undefined {
    return this.get('Job-UUID');
  }
  get bridgeAUuid(): string | undefined {
    return this.get('Bridge-A-Unique-ID');
  }
  get bridgeBUuid(): string | undefined {
    return this.get('Bridge-B-Unique-ID');
  }
  /** the peer leg (docs/esl-protocol.md §4) */
  get otherLegUuid(): string | undefined {
    return this.get('Other-Leg-Unique-ID');
  }
  get callUuid(): string | undefined {
    return this.get('Channel-Call-UUID');
  }
  get playbackFilePath(): string | undefined {
    return this.get('Playback-File-Path');
  }
  /** PLAYBACK_STOP: `done` or `break` */
  get playbackStatus(): string | undefined {
    return this.get('Playback-Status');
  }
  /** ringing | early | answered | hangup */
  get answerState(): string | undefined {
    return this.get('Answer-State');
  }
  get callerIdNumber(): string | undefined {
    return this.get('Caller-Caller-ID-Number');
  }
  get callerIdName(): string | undefined {
    return this.get('Caller-Caller-ID-Name');
  }
  get destinationNumber(): string | undefined {
    return this.get('Caller-Destination-Number');
  }
}

function text(v: HeaderValue | undefined): string | undefined {
  return typeof v === 'string' ? v : v?.[0];
}

function integer(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{1,16}$/.test(s)) return undefined;
  return Number(s);
}
