// The Event Socket layer: our own framing parser, an inbound client that stays connected,
// and an outbound server with one OutboundCall per call. Why not modesl: README.md here.
export { EslClient, type EslClientOptions, type EslClientState, type EventFormat } from './client.js';
export { EslOutboundServer, DEFAULT_EXTRA_EVENTS, DEFAULT_UNREAD_EVENTS, type OutboundServerOptions, type OnCall } from './outbound-server.js';
export { OutboundCall, type CallClosed, type ExecuteOptions } from './outbound-call.js';
export { channelDataFrom, type ChannelData } from './channel-data.js';
export {
  EslEvent,
  CONTROLLER_EVENT_NAMES,
  type ControllerEvent,
  type ControllerEventName,
  type TypedEvent,
  type HeaderValue,
} from './event.js';
export { FrameParser, KNOWN_CONTENT_TYPES, type Frame, type ParsedItem, type RawHeaders, type FrameParserOptions } from './frame-parser.js';
export { FrameError, type FrameErrorReason } from './frame-error.js';
export { toMessage, type EslMessage, type Reply, type CommandReply, type ApiResponse, type DisconnectNotice } from './message.js';
export { decodePlainEvent, decodeJsonEvent, decodeXmlEvent, percentDecode } from './event-decode.js';
export { serializeCommand, eventCommand, type Command, type ApiOptions } from './command.js';
export type { BgapiOptions } from './jobs.js';
export { ReconnectBackoff, type BackoffOptions } from './backoff.js';
