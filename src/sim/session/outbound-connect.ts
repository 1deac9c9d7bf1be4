// The switch side of `socket <host>:<port> async full`: FreeSWITCH connects to the controller and
// runs one listener for the channel on that connection (MES socket_function ~415). It says nothing
// until the controller sends `connect`.

import { connect, type Socket } from 'node:net';
import { CommandSession, type CommandSessionOptions } from './command-session.js';

export interface OutboundTarget {
  host: string;
  port: number;
}

export type OutboundSessionOptions = Omit<CommandSessionOptions, 'socket' | 'mode'> & {
  channelUuid: string;
  async: boolean;
  full: boolean;
};

/** Opens a byte stream that is connected at once (the explorer's in-memory link); throws when refused. */
export type StreamOpener = (target: OutboundTarget) => Socket;

/**
 * Opens the TCP connection (keep-alive and no-delay, as socket_function sets them), or the
 * stream `open` gives, and starts the session.
 */
export function openOutboundSession(target: OutboundTarget, options: OutboundSessionOptions, open?: StreamOpener): Promise<CommandSession> {
  const start = (socket: Socket): CommandSession => {
    const { channelUuid, async, full, ...rest } = options;
    return new CommandSession({ ...rest, socket, mode: { kind: 'outbound', channelUuid, async, full } });
  };
  if (open) {
    try {
      return Promise.resolve(start(open(target)));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: target.host, port: target.port, noDelay: true, keepAlive: true });
    const fail = (error: Error): void => reject(error);
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.off('error', fail);
      resolve(start(socket));
    });
  });
}
