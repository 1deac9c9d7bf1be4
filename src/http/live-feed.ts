// The live feed (WebSocket /api/ws): agent states, queue changes, notices and alerts pushed to
// desktops and the wallboard as they happen, so no page reloads in a shift. Browsers cannot
// set headers on a WebSocket, so the login token travels as ?token=.
import type { FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import type { WebSocket } from 'ws';
import type { SessionStore, AuthUser } from '../auth/index.js';

export interface FeedMessage {
  type: string;
  [key: string]: unknown;
}

/**
 * Everything on the feed is the centre's: waiting callers' numbers, seats, transfers. Department
 * users may open it (their pages share the login) but get none of it, the first message
 * included, just as /api/queues and /api/agents answer them 403.
 */
const seesCentre = (user: AuthUser) => user.role !== 'dept_handler' && user.role !== 'dept_head';

export class LiveFeed {
  private readonly sockets = new Set<{ socket: WebSocket; user: AuthUser }>();

  /** Sends to every connected client that may see it (see seesCentre). */
  publish(message: FeedMessage): void {
    const text = JSON.stringify(message);
    for (const c of this.sockets) if (seesCentre(c.user) && c.socket.readyState === c.socket.OPEN) c.socket.send(text);
  }

  get size(): number {
    return this.sockets.size;
  }

  add(socket: WebSocket, user: AuthUser, hello: FeedMessage): void {
    const entry = { socket, user };
    this.sockets.add(entry);
    socket.on('close', () => this.sockets.delete(entry));
    socket.send(JSON.stringify(seesCentre(user) ? hello : { type: 'hello' }));
  }
}

export async function registerLiveFeed(
  app: FastifyInstance,
  opts: { feed: LiveFeed; sessions: SessionStore; hello: () => FeedMessage; now: () => Date },
): Promise<void> {
  await app.register(websocket);
  app.get('/api/ws', { websocket: true, schema: { summary: 'live feed (WebSocket): agents, queues, transfers, alerts', hide: true } }, (socket, req) => {
    const token = new URL(req.url, 'http://x').searchParams.get('token') ?? '';
    const user = token ? opts.sessions.resolve(token, opts.now()) : null;
    if (!user) {
      socket.close(4401, 'login required');
      return;
    }
    opts.feed.add(socket, user, opts.hello());
  });
}
