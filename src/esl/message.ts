// What a frame means, by its Content-Type (docs/esl-protocol.md §1.1). Replies (command/reply,
// api/response and the CHANNEL_DATA answer to `connect`) go to the command that asked;
// everything else is delivered as it comes.
import type { EslEvent } from './event.js';
import { decodeJsonEvent, decodePlainEvent, decodeXmlEvent, eventFromHeaderBlock } from './event-decode.js';
import { FrameError, FRAME_ERROR_SAMPLE_BYTES } from './frame-error.js';
import type { Frame, RawHeaders } from './frame-parser.js';

export interface CommandReply {
  type: 'command-reply';
  /** Reply-Text, e.g. `+OK accepted`, `-ERR invalid`, or a getvar value */
  text: string;
  headers: RawHeaders;
}
export interface ApiResponse {
  type: 'api-response';
  body: string;
}
/** The answer to an outbound `connect`: one unframed, url-encoded CHANNEL_DATA block (§3.2). */
export interface ChannelDataReply {
  type: 'channel-data';
  event: EslEvent;
}
export type Reply = CommandReply | ApiResponse | ChannelDataReply;

export interface EventMessage {
  type: 'event';
  event: EslEvent;
}
export interface DisconnectNotice {
  type: 'disconnect-notice';
  /** `linger` when the channel hung up and FreeSWITCH lingers; `disconnect` before it closes */
  disposition: string | undefined;
  headers: RawHeaders;
  body: string;
}
export type EslMessage =
  | Reply
  | EventMessage
  | DisconnectNotice
  | { type: 'auth-request' }
  | { type: 'rude-rejection'; body: string }
  | { type: 'log'; headers: RawHeaders; body: string }
  | { type: 'unknown'; contentType: string | undefined; headers: RawHeaders; body: Buffer };

export function isReply(m: EslMessage): m is Reply {
  return m.type === 'command-reply' || m.type === 'api-response' || m.type === 'channel-data';
}

/** Gives a frame its meaning; an event body that cannot be decoded is a FrameError. */
export function toMessage(frame: Frame): EslMessage | FrameError {
  const { body } = frame;
  switch (frame.contentType) {
    case 'auth/request':
      return { type: 'auth-request' };
    case 'command/reply':
      // Only the CHANNEL_DATA block is a serialized event among replies, hence url-encoded.
      if (frame.header('Event-Name') !== undefined) return { type: 'channel-data', event: eventFromHeaderBlock(frame.headerBlock) };
      return commandReply(frame);
    case 'api/response':
      return { type: 'api-response', body: body.toString('utf8') };
    case 'text/event-plain':
      return eventMessage(frame, decodePlainEvent(body));
    case 'text/event-json':
      return eventMessage(frame, decodeJsonEvent(body));
    case 'text/event-xml':
      return eventMessage(frame, decodeXmlEvent(body));
    case 'text/disconnect-notice':
      return { type: 'disconnect-notice', disposition: frame.header('Content-Disposition'), headers: frame.headers, body: body.toString('utf8') };
    case 'text/rude-rejection':
      return { type: 'rude-rejection', body: body.toString('utf8') };
    case 'log/data':
      return { type: 'log', headers: frame.headers, body: body.toString('utf8') };
    default:
      return { type: 'unknown', contentType: frame.contentType, headers: frame.headers, body };
  }
}

/** Nothing reads a reply's other headers as a rule, so they are split only if asked for. */
function commandReply(frame: Frame): CommandReply {
  return {
    type: 'command-reply',
    text: frame.header('Reply-Text') ?? '',
    get headers() {
      return frame.headers;
    },
  };
}

function eventMessage(frame: Frame, decoded: EslEvent | string): EventMessage | FrameError {
  if (typeof decoded !== 'string') return { type: 'event', event: decoded };
  const sample = frame.body.subarray(0, FRAME_ERROR_SAMPLE_BYTES);
  return new FrameError('event-decode', decoded, Buffer.from(sample), frame.body.length, frame.contentType);
}

/** The text a reply carries, whatever its kind. */
export function replyText(reply: Reply): string {
  switch (reply.type) {
    case 'command-reply':
      return reply.text;
    case 'api-response':
      return reply.body;
    case 'channel-data':
      return reply.event.get('Reply-Text') ?? '';
  }
}
