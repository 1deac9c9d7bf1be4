// The EventBus of the simulated switch: the engine publishes, and every attached listener (each
// Event Socket session) gets every event and keeps what its subscription asks for, as
// mod_event_socket's event_handler walks all listeners (MES ~274).

import type { SimEvent } from '../contracts.js';
import type { EventListener, SessionHub } from '../session/session-hub.js';

export class EventHub implements SessionHub {
  private readonly listeners = new Set<EventListener>();
  /** a copy taken when the set changes, not per event: a listener may detach while one is delivered */
  private snapshot: EventListener[] = [];

  attach(listener: EventListener): void {
    this.listeners.add(listener);
    this.snapshot = [...this.listeners];
  }

  detach(listener: EventListener): void {
    this.listeners.delete(listener);
    this.snapshot = [...this.listeners];
  }

  /** How many listeners are attached (sessions, plus any observer). */
  get size(): number {
    return this.listeners.size;
  }

  publish(event: SimEvent): void {
    for (const listener of this.snapshot) listener.deliver(event);
  }
}
