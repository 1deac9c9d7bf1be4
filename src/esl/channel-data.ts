// The channel an outbound session controls, from FreeSWITCH's answer to `connect`: a
// CHANNEL_DATA event with the caller profile, the channel data and every variable, followed
// by Reply-Text, Socket-Mode and Control (mod_event_socket.c ~2023, docs/esl-protocol.md §3.2).
import { CtiError } from '../errors.js';
import type { EslEvent, HeaderValue } from './event.js';

export interface ChannelData {
  /** Unique-ID of the controlled channel */
  readonly uuid: string;
  readonly callerIdNumber: string | undefined;
  readonly callerIdName: string | undefined;
  /** the number dialled (Caller-Destination-Number) */
  readonly destinationNumber: string | undefined;
  readonly channelName: string | undefined;
  /** inbound | outbound */
  readonly callDirection: string | undefined;
  readonly answerState: string | undefined;
  /** `async` or `static`: how the dialplan started the socket app */
  readonly socketMode: string | undefined;
  /** `full` or `single-channel`; without full, api/bgapi/event/linger are refused (§3.3) */
  readonly control: string | undefined;
  /** every channel variable, without the `variable_` prefix (the dialplan's cti_* among them) */
  readonly variables: ReadonlyMap<string, HeaderValue>;
  /** one channel variable (an array's items joined with ","), without decoding the others */
  variable(name: string): string | undefined;
  /** the whole event, for anything else */
  readonly event: EslEvent;
}

/**
 * Fields are read from the event when first asked for, and kept. A call holds its CHANNEL_DATA
 * (some two hundred headers) for as long as it lasts; left undecoded, that is one string, not
 * hundreds of small objects for the garbage collector to copy while the call is young.
 */
class ChannelDataView implements ChannelData {
  readonly uuid: string;
  private readonly fields = new Map<string, string | undefined>();
  private allVariables: ReadonlyMap<string, HeaderValue> | undefined;

  constructor(readonly event: EslEvent) {
    const uuid = event.uuid ?? event.get('Channel-Unique-ID') ?? event.get('Caller-Unique-ID');
    if (uuid === undefined) throw new CtiError('ESL_BAD_FRAME', 'CHANNEL_DATA without Unique-ID');
    this.uuid = uuid;
  }

  private field(name: string, read: () => string | undefined = () => this.event.get(name)): string | undefined {
    if (!this.fields.has(name)) this.fields.set(name, read());
    return this.fields.get(name);
  }

  get callerIdNumber() {
    return this.field('Caller-Caller-ID-Number', () => this.event.callerIdNumber);
  }
  get callerIdName() {
    return this.field('Caller-Caller-ID-Name', () => this.event.callerIdName);
  }
  get destinationNumber() {
    return this.field('Caller-Destination-Number', () => this.event.destinationNumber);
  }
  get channelName() {
    return this.field('Channel-Name');
  }
  get callDirection() {
    return this.field('Call-Direction');
  }
  get answerState() {
    return this.field('Answer-State', () => this.event.answerState);
  }
  get socketMode() {
    return this.field('Socket-Mode');
  }
  get control() {
    return this.field('Control');
  }
  get variables(): ReadonlyMap<string, HeaderValue> {
    this.allVariables ??= this.event.variables();
    return this.allVariables;
  }

  variable(name: string): string | undefined {
    return this.field(`variable_${name}`, () => {
      const items = this.event.getArray(`variable_${name}`);
      return items.length === 0 ? undefined : items.join(',');
    });
  }
}

export function channelDataFrom(event: EslEvent): ChannelData {
  return new ChannelDataView(event);
}
