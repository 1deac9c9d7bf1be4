import type { EventBus, SimEvent } from '../contracts.js';

/** Anything that wants the events the switch fires and picks what to send itself. */
export interface EventListener {
  deliver(event: SimEvent): void;
}

/** The bus as a session sees it: it fires events (bgapi, sendevent) and listens to them. */
export interface SessionHub extends EventBus {
  /** The listener is shown every event until `route` narrows it. */
  attach(listener: EventListener): void;
  detach(listener: EventListener): void;
  /**
   * What the listener needs shown: only the events about these channels (by Unique-ID, or a
   * BACKGROUND_JOB's Job-Owner-UUID), or every event (`undefined`). An outbound session bound
   * by myevents needs its channel's events alone, so under load each event is handed to the
   * few sessions it concerns instead of being offered to every session.
   */
  route(listener: EventListener, uuids: readonly string[] | undefined): void;
}
