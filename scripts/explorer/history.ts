// What one explorer run saw, gathered for the invariants: the switch's side (every caller and
// every leg as the simulator ran them), the controller's record (the rows it wrote), what the
// ACD did at each offer, and what went wrong in the process. Times are virtual milliseconds.

/** A citizen's call as the switch ran it. */
export interface CallerTrace {
  /** index of the call in the generated traffic (what --keep names) */
  index: number;
  uuid: string;
  placedAt: number;
  /** CHANNEL_HANGUP of the caller's channel */
  hungUpAt?: number;
  hangupCause?: string;
  /** the citizen hung up (their own timer: hang-up or patience), not the switch */
  callerLeft: boolean;
  /** the `socket` app connected to a controller for this caller (the call was under control) */
  reachedController: boolean;
  /** the caller's leg was answered */
  answered: boolean;
  /** when, by the switch's clock (µs, as its events carry it); absent in older hand-made histories */
  answeredUs?: number;
  /** uuids of the legs the caller was bridged with, in order */
  bridgedWith: string[];
  /** the dialplan fallback (no controller) rang the seats for this caller */
  fallback: boolean;
  /**
   * how routing.yaml says this call must be routed, from how it arrived (the number dialled, a
   * Diversion header, the 110 platform's address); absent in hand-made histories
   */
  expected?: { mode: string; originHotline: string | null; priority: number | null };
  /** the applications the caller's channel ran, in order (for --trace) */
  apps?: string[];
}

/** A leg the switch originated (an agent's softphone, a department's number). */
export interface LegTrace {
  uuid: string;
  /** channel name, e.g. `sofia/internal/1001@…` or `sofia/gateway/telecom-trunk/95598` */
  name: string;
  /** the seat for an agent's softphone (user/<seat>), else null */
  seat: string | null;
  /** the caller it was placed for (cti_call_id or the bridge's other side), when known */
  callerUuid: string | null;
  createdAt: number;
  answeredAt?: number;
  hungUpAt?: number;
  hangupCause?: string;
}

/** A row of `calls` at the end of the run. */
export interface CallRow {
  id: string;
  mode: string;
  line: string | null;
  outcome: string | null;
  agent_id: string | null;
  answered_us: number | null;
  agent_answered_us: number | null;
  ended_us: number | null;
  hangup_cause: string | null;
  survey_score: number | null;
  origin_hotline?: string | null;
  priority?: number;
}

/** A row of `call_legs` at the end of the run. */
export interface LegRow {
  id: string;
  call_id: string;
  kind: string;
  endpoint: string | null;
  answered_us: number | null;
  ended_us: number | null;
  hangup_cause: string | null;
}

/** A row of `transfer_attempts` at the end of the run. */
export interface AttemptRow {
  id: number;
  call_id: string;
  /** the hotline leg's uuid; null for an attempt that placed none (a refusal, no channel) */
  leg_id?: string | null;
  hotline: string;
  kind: string;
  answered_us: number | null;
  ended_us: number | null;
  result: string | null;
}

/** Each time an attempt's result was written (the attempt store's classifications). */
export interface Classification {
  attemptId: number;
  result: string;
  at: number;
}

/** A call offered to a seat, with the queue as the ACD held it at that instant. */
export interface OfferTrace {
  at: number;
  seat: string;
  callId: string;
  /**
   * the calls still waiting that the seat could have taken instead (its skills, and not missed
   * by this seat before: missedBy), with the ACD's ordering keys
   */
  eligible: Array<{ callId: string; priority: number; enteredMs: number; seq: number }>;
  /** the offered call's own ordering keys: priority (1 most urgent), queue entry time, arrival number */
  priority: number;
  enteredMs: number;
  seq: number;
  /** the offered call's queue (line), and the seat's skills in the routing.yaml in force then */
  queue?: string;
  seatSkills?: string[];
}

/** At a quiet instant with a controller up: each seat as the ACD and as the switch see it. */
export interface SeatCheck {
  at: number;
  seat: string;
  /** the ACD's state (available, ringing, on_call, wrap_up, break, logged_out) */
  acdState: string;
  /** the ACD's call for the seat, if any */
  acdCall: string | null;
  /** the seat's live softphone legs in the switch */
  switchLegs: Array<{ uuid: string; answered: boolean }>;
}

/** A channel still in the switch when the run ended. */
export interface LeftChannel {
  uuid: string;
  name: string;
  state: string;
}

export interface ProblemTrace {
  at: number;
  /** the controller life (`life-1`…) or `switch` */
  life: string;
  message: string;
}

/**
 * A caller left with nobody: from the moment their agent's leg ended while they were up, to the
 * first sign that the flow took them on (a bridge, a conference, a message being recorded, an
 * application other than music) or their end. Only stretches over
 * 10 s are kept (the invariant's limit is far above that), so that a long run's history stays
 * small.
 */
export interface AloneTrace {
  index: number;
  uuid: string;
  seat: string;
  from: number;
  to: number;
}

export interface ExplorerHistory {
  callers: CallerTrace[];
  legs: LegTrace[];
  records: CallRow[];
  recordLegs: LegRow[];
  attempts: AttemptRow[];
  classifications: Classification[];
  offers: OfferTrace[];
  seatChecks: SeatCheck[];
  channelsLeft: LeftChannel[];
  /** exceptions nobody caught (timer callbacks, unhandled rejections) */
  uncaught: ProblemTrace[];
  /** error-level log lines of the controller */
  errorLogs: ProblemTrace[];
  /** kill-at-accept faults that fired (absent in hand-made histories) */
  killedAtAccept?: number;
  /** drop-esl-at-answer faults that fired (absent in hand-made histories) */
  droppedAtAnswer?: number;
  /** callers left with nobody after their agent's leg ended (absent: none recorded) */
  alone?: AloneTrace[];
  /** what callers should have heard and did not (absent in older hand-made histories) */
  sounds?: SoundTrace[];
  /** callers in dead air: nothing running for them but the socket app or a park, in no bridge */
  deadAir?: DeadAirTrace[];
  /**
   * while a controller's inbound ESL link was open (virtual ms; `to` absent: open at the end):
   * only then could it hear an event
   */
  eslLinks?: Array<{ from: number; to?: number }>;
  /** when a controller was killed (virtual ms; absent in older hand-made histories) */
  kills?: number[];
}

/**
 * Something a caller should have heard and did not: a ring with no ringback (an answered caller
 * in a `bridge` with no transfer_ringback, over 1 s), a department rung without the 转接部门
 * prompt, an emergency handover without the 紧急转接 prompt.
 */
export interface SoundTrace {
  index: number;
  uuid: string;
  at: number;
  problem: 'silent-ring' | 'no-transfer-prompt' | 'no-emergency-prompt';
  /** silent-ring: how long the caller heard nothing */
  ms?: number;
  /** the bridge's target or the leg bridged */
  target: string;
}

/** A stretch of dead air over 10 s: from when it was first seen to when it ended (or the caller did). */
export interface DeadAirTrace {
  index: number;
  uuid: string;
  from: number;
  to: number;
  /** answered by then (else the caller heard ringback, or nothing, unanswered) */
  answered: boolean;
}

/** One broken promise: which invariant, about which call (plan index) if one. */
export interface Violation {
  invariant: string;
  callIndex?: number;
  detail: string;
}

export type Invariant = ((h: ExplorerHistory) => Violation[]) & { description: string };
