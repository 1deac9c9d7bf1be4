// The channel an outbound session controls, from FreeSWITCH's answer to `connect`: a
// CHANNEL_DATA event with the caller profile, the channel data and every variable, followed
// by Reply-Text, Socket-Mode and Control (mod_event_socket.c ~2023, esl-protocol.md §3.2).
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
  /** the whole event, for anything else */
  readonly event: EslEvent;
}

export function channelDataFrom(event: EslEvent): ChannelData {
  const uuid = event.uuid ?? event.get('Channel-Unique-ID') ?? event.get('Caller-Unique-ID');
  if (uuid === undefined) throw new CtiError('ESL_BAD_FRAME', 'CHANNEL_DATA without Unique-ID');
  return {
    uuid,
    callerIdNumber: event.callerIdNumber,
    callerIdName: event.callerIdName,
    destinationNumber: event.destinationNumber,
    channelName: event.get('Channel-Name'),
    callDirection: event.get('Call-Direction'),
    answerState: event.answerState,
    socketMode: event.get('Socket-Mode'),
    control: event.get('Control'),
    variables: event.variables(),
    event,
  };
}
