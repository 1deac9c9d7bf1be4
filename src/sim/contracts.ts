// The seam between the simulator's protocol half (wire/, events/, session/, inbound/:
// framing, url-encoding, event serialisation, command sessions, the :8021 server) and its
// engine half (engine/: channels, apps, dialplan, endpoints, api commands, outbound
// sockets, scenarios). Both halves code against these types only.
//
// The simulator imports nothing from src/esl/ or src/call/ (docs/architecture.md §3): it has its own
// framing and encoding, so the two implementations check each other.

/** Ordered header list; values are raw (not url-encoded). Duplicate names are allowed, as in FreeSWITCH. */
export type Headers = Array<[name: string, value: string]>;

/** One fired event, before serialisation. */
export interface SimEvent {
  /** Event-Name, e.g. CHANNEL_ANSWER, BACKGROUND_JOB, CUSTOM */
  name: string;
  subclass?: string;
  /** all headers in FreeSWITCH order, the common set (docs/esl-protocol.md §1.5) first */
  headers: Headers;
  body?: string;
  /** Unique-ID of the channel the event is about, for myevents and filters */
  channelUuid?: string;
  /**
   * The first Unique-ID and Job-Owner-UUID headers, when the producer knows them without
   * writing the headers out (an event built only when first read); absent means "read them".
   */
  routingKeys?: { uuid: string | undefined; jobOwner: string | undefined };
  /**
   * The headers without the channel's scope_variable_* and variable_* block, and that block's
   * variables (undefined when the event carries none), for a reader of a few fields that would
   * otherwise write out every variable. Offered only while `headers` has not been written and
   * no other header of the event is named like a variable, so that the two can only combine
   * one way. Absent means "read `headers`".
   */
  lean?(): LeanEvent | undefined;
}

/** SimEvent.lean: the variables kept apart from the rest of the headers. */
export interface LeanEvent {
  headers: Headers;
  variables: ReadonlyArray<readonly [name: string, value: string]> | undefined;
}

/** Microsecond clock of the simulated switch (Event-Date-Timestamp, *_uepoch). */
export interface SimClock {
  nowUs(): number;
}

/** Where the engine fires events; the protocol half fans them out to subscribed sessions. */
export interface EventBus {
  publish(event: SimEvent): void;
}

/** What a command session needs from the engine. Replies are the exact text FreeSWITCH sends. */
export interface SwitchEngine {
  /** `api <cmd> <args>` / `bgapi`: the api/response body, e.g. "+OK <uuid>\n" or "-ERR NO_ANSWER\n" */
  api(command: string, args: string): Promise<string>;
  /** `sendmsg <uuid>` with its headers (call-command, execute-app-name, execute-app-arg, event-lock, loops, Event-UUID, hangup-cause …); the command/reply Reply-Text */
  sendmsg(uuid: string, headers: Headers, body: string | undefined): string;
  /** the channel's CHANNEL_DATA headers for an outbound session's `connect` reply, or null when gone */
  channelData(uuid: string): Headers | null;
  /** an outbound session closed; `resumed` tells whether the channel returns to the dialplan (socket_resume or `resume`) */
  socketClosed(uuid: string, resumed: boolean): void;
}
