// Frames the switch writes on an Event Socket. Every length counts bytes of UTF-8.
// FreeSWITCH: src/mod/event_handlers/mod_event_socket/mod_event_socket.c (MES below).

import type { Headers } from '../contracts.js';

export type EventFormat = 'plain' | 'json' | 'xml';

/** Body of the notice written when a listener ends normally (MES listener_run, ~2820). */
export const GOODBYE_TEXT = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';
/** Body of the notice written to every listener when the module shuts down (MES kill_all_listeners ~680). */
export const SHUTDOWN_TEXT = 'The system is being shut down.\n';
/** Body of the ACL refusal (MES listener_run ~2679). */
export const ACCESS_DENIED_TEXT = 'Access Denied, go away.\n';

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function headerLines(headers: Headers): string {
  return headers.map(([name, value]) => `${name}: ${value}\n`).join('');
}

/** Sent by the switch as soon as an inbound client connects (MES listener_run ~2728). */
export function authRequestFrame(): string {
  return 'Content-Type: auth/request\n\n';
}

/**
 * command/reply with the text in Reply-Text (MES listener_run ~2785). Extra headers follow it,
 * as in the bgapi reply "~Reply-Text: +OK Job-UUID: x\nJob-UUID: x\n\n" (MES ~2382). Values are
 * written raw, not url-encoded.
 */
export function commandReplyFrame(replyText: string, extra: Headers = []): string {
  return `Content-Type: command/reply\nReply-Text: ${replyText}\n${headerLines(extra)}\n`;
}

/** api/response: Content-Type before Content-Length, as api_exec writes it (MES ~1599). */
export function apiResponseFrame(body: string): string {
  return `Content-Type: api/response\nContent-Length: ${byteLength(body)}\n\n${body}`;
}

/** An event: Content-Length before Content-Type (MES read_packet ~1449). */
export function eventFrame(format: EventFormat, serialized: string): string {
  return `Content-Length: ${byteLength(serialized)}\nContent-Type: text/event-${format}\n\n${serialized}`;
}

/**
 * text/disconnect-notice written when a listener ends (MES send_disconnect ~631). A listener bound
 * to a channel names it and says "disconnect"; a plain inbound listener has only the length.
 */
export function disconnectNoticeFrame(message: string, controlledUuid?: string): string {
  const session = controlledUuid === undefined ? '' : `Controlled-Session-UUID: ${controlledUuid}\nContent-Disposition: disconnect\n`;
  return `Content-Type: text/disconnect-notice\n${session}Content-Length: ${byteLength(message)}\n\n${message}`;
}

/**
 * The notice written when the controlled channel hangs up and linger is on (MES read_packet
 * ~1475). Channel-Name is raw (not url-encoded); Linger-Time is seconds or -1 for "until exit".
 */
export function lingerNoticeFrame(controlledUuid: string, channelName: string, lingerSeconds: number): string {
  return (
    'Content-Type: text/disconnect-notice\n' +
    `Controlled-Session-UUID: ${controlledUuid}\n` +
    'Content-Disposition: linger\n' +
    `Channel-Name: ${channelName}\n` +
    `Linger-Time: ${lingerSeconds}\n` +
    'Content-Length: 0\n\n'
  );
}

/** Written to a client the inbound ACL refuses (MES listener_run ~2679), before the goodbye notice. */
export function rudeRejectionFrame(): string {
  return `Content-Type: text/rude-rejection\nContent-Length: ${byteLength(ACCESS_DENIED_TEXT)}\n\n${ACCESS_DENIED_TEXT}`;
}
