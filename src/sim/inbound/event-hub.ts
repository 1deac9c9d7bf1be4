// The EventBus of the simulated switch: the engine publishes, and each listener (each Event
// Socket session) keeps what its subscription asks for. mod_event_socket's event_handler walks
// every listener for every event (MES ~274) and lets each one's flags decide; the outcome is the
// same here, but a listener that can only accept events of known channels (myevents on an
// outbound socket) is reached through an index by Unique-ID instead of being asked each time.

import type { SimEvent } from '../contracts.js';
import type { EventListener, SessionHub } from '../session/session-hub.js';
import { eventKeys } from '../session/subscription.js';

export class EventHub implements SessionHub {
  /** listeners shown every event */
  private readonly everyEvent = new Set<EventListener>();
  /** a copy taken when the set changes, not per event: a listener may detach while one is delivered */
  private snapshot: EventListener[] = [];
  private readonly byUuid = new Map<string, Set<EventListener>>();
  private readonly routes = new Map<EventListener, readonly string[]>();

  attach(listener: EventListener): void {
    this.unroute(listener);
    this.everyEvent.add(listener);
    this.snapshot = [...this.everyEvent];
  }

  detach(listener: EventListener): void {
    this.unroute(listener);
    if (this.everyEvent.delete(listener)) this.snapshot = [...this.everyEvent];
  }

  route(listener: EventListener, uuids: readonly string[] | undefined): void {
    if (uuids === undefined) {
      if (!this.everyEvent.has(listener)) this.attach(listener);
      return;
    }
    const current = this.routes.get(listener);
    if (current && current.length === uuids.length && current.every((u, i) => u === uuids[i])) return;
    this.unroute(listener);
    if (this.everyEvent.delete(listener)) this.snapshot = [...this.everyEvent];
    this.routes.set(listener, [...uuids]);
    for (const uuid of uuids) {
      let set = this.byUuid.get(uuid);
      if (!set) this.byUuid.set(uuid, (set = new Set()));
      set.add(listener);
    }
  }

  /** How many listeners are attached (sessions, plus any observer). */
  get size(): number {
    return this.everyEvent.size + this.routes.size;
  }

  publish(event: SimEvent): void {
    for (const listener of this.snapshot) listener.deliver(event);
    if (this.routes.size === 0) return;
    const { uuid, jobOwner } = eventKeys(event);
    const about = uuid === undefined ? undefined : this.byUuid.get(uuid);
    const owned = jobOwner === undefined || jobOwner === uuid ? undefined : this.byUuid.get(jobOwner);
    if (!about && !owned) return;
    // copied first: delivering may change a listener's route
    const targets = [...(about ?? []), ...(owned ?? [])];
    for (let i = 0; i < targets.length; i++) {
      const listener = targets[i]!;
      if (targets.indexOf(listener) === i) listener.deliver(event);
    }
  }

  private unroute(listener: EventListener): void {
    const uuids = this.routes.get(listener);
    if (!uuids) return;
    this.routes.delete(listener);
    for (const uuid of uuids) {
      const set = this.byUuid.get(uuid);
      set?.delete(listener);
      if (set?.size === 0) this.byUuid.delete(uuid);
    }
  }
}
