// @ts-check
// The live feed (WebSocket /api/ws): reconnects with back-off so a page stays live through a
// whole shift, and tells the page when it is connected so it can show it.
import { currentToken } from './session.js';

/**
 * @param {(message: import('/lib/types.js').FeedMessage) => void} onMessage
 * @param {(connected: boolean) => void} [onStatus]
 */
export function openFeed(onMessage, onStatus = () => {}) {
  /** @type {WebSocket | null} */
  let socket = null;
  let delayMs = 500;
  let closed = false;
  const connect = () => {
    const token = currentToken();
    if (!token || closed) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${scheme}://${location.host}/api/ws?token=${encodeURIComponent(token)}`);
    socket.onopen = () => {
      delayMs = 500;
      onStatus(true);
    };
    socket.onmessage = (event) => onMessage(JSON.parse(event.data));
    socket.onclose = () => {
      onStatus(false);
      if (closed) return;
      setTimeout(connect, delayMs);
      delayMs = Math.min(delayMs * 2, 15_000);
    };
  };
  connect();
  return {
    close() {
      closed = true;
      socket?.close();
    },
  };
}
