// Types for the parts of `smpp` 0.5.1 (farhadi/node-smpp, CommonJS, no bundled types) that
// this project uses. PDU fields are dynamic (one property per SMPP parameter or TLV), so a
// PDU is an index signature over the names we read.
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  /** short_message / message_payload after the package's decode filter. */
  export interface DecodedMessage {
    message: string | Buffer;
    /** each element is one information element: [IEI, length, ...data] */
    udh?: Buffer[];
  }

  export interface PDU {
    command: string;
    command_id: number;
    command_status: number;
    sequence_number: number;
    isResponse(): boolean;
    response(options?: Record<string, unknown>): PDU;
    [field: string]: unknown;
  }

  export interface SessionOptions {
    host?: string;
    port?: number;
    socket?: Socket;
    tls?: boolean;
    /** ms between enquire_link PDUs the package sends on its own (no answer check) */
    auto_enquire_link_period?: number;
    [option: string]: unknown;
  }

  type Callback = (pdu: PDU) => void;
  type Request = (options?: Record<string, unknown>, responseCallback?: Callback, sendCallback?: Callback) => boolean;

  export class Session extends EventEmitter {
    constructor(options: SessionOptions);
    socket: Socket;
    server?: Server;
    /** false when the socket is not writable; the response callback then never runs */
    send(pdu: PDU, responseCallback?: Callback, sendCallback?: Callback): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
    bind_transmitter: Request;
    bind_transceiver: Request;
    bind_receiver: Request;
    submit_sm: Request;
    deliver_sm: Request;
    enquire_link: Request;
    unbind: Request;
    generic_nack: Request;
  }

  export class Server extends NetServer {
    sessions: Session[];
  }

  export function connect(options: SessionOptions, listener?: () => void): Session;
  export function createServer(listener: (session: Session) => void): Server;
  export function createServer(options: Record<string, unknown>, listener: (session: Session) => void): Server;

  export const errors: Record<string, number>;
  export const consts: {
    ESM_CLASS: Record<string, number>;
    ENCODING: Record<string, number>;
    TON: Record<string, number>;
    NPI: Record<string, number>;
    REGISTERED_DELIVERY: Record<string, number>;
    [group: string]: Record<string, number>;
  };
  export const encodings: Record<string, { match(value: string): boolean; encode(value: string): Buffer; decode(value: Buffer): string }>;
  export const PDU: { new (command: string, options?: Record<string, unknown>): PDU; maxLength: number };

  export const ESME_ROK: number;
  export const ESME_RTHROTTLED: number;
  export const ESME_RINVPASWD: number;
  export const ESME_RBINDFAIL: number;

  const smpp: {
    connect: typeof connect;
    createServer: typeof createServer;
    Session: typeof Session;
    Server: typeof Server;
    PDU: typeof PDU;
    errors: typeof errors;
    consts: typeof consts;
    encodings: typeof encodings;
    ESME_ROK: number;
    ESME_RTHROTTLED: number;
    ESME_RINVPASWD: number;
    ESME_RBINDFAIL: number;
  };
  export default smpp;
}
