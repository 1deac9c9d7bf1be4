// The wire format of the Event Socket: value encoding, event serialisers, frames, the reader
// for client commands, and the writers that put frames on a socket.
export { URL_UNSAFE, urlEncode } from './url-encode.js';
export { arrayItems, flatArrayValue, storedValue } from './array-value.js';
export { plainHeaderLines, serializePlain } from './event-plain.js';
export { serializeJson } from './event-json.js';
export { serializeXml } from './event-xml.js';
export { xmlText } from './xml-text.js';
export {
  ACCESS_DENIED_TEXT,
  GOODBYE_TEXT,
  SHUTDOWN_TEXT,
  apiResponseFrame,
  authRequestFrame,
  commandReplyFrame,
  disconnectNoticeFrame,
  eventFrame,
  lingerNoticeFrame,
  rudeRejectionFrame,
  type EventFormat,
} from './frames.js';
export {
  BadContentLengthError,
  CommandReader,
  MAX_BLOCK_BYTES,
  MAX_BODY_BYTES,
  atoi,
  parseBlock,
  stripCr,
  type ClientPacket,
  type ReadResult,
} from './command-reader.js';
export { ChunkedWriter, DirectWriter, seededRandom, type ChunkingOptions, type FrameSink } from './frame-sink.js';
export { serializeEvent } from './serialize-event.js';
