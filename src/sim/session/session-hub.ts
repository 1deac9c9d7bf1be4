import type { EventBus, SimEvent } from '../contracts.js';

/** Anything that wants every event the switch fires and picks what to send itself. */
export interface EventListener {
  deliver(event: SimEvent): void;
}

/** The bus as a session sees it: it fires events (bgapi, sendevent) and listens to all of them. */
export interface SessionHub extends EventBus {
  attach(listener: EventListener): void;
  detach(listener: EventListener): void;
}
