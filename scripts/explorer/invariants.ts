// What must hold after every explorer run, whatever the traffic and the faults: each one a pure
// check of the history (history.ts) that names what broke, about which call, with the ids and
// times involved. docs/explorer.md says for each what it protects and where it stops; the code
// it rests on is cited beside each rule. A detail never carries a full caller number (channel
// names and error messages are masked); uuids, seats and hotline numbers are fine.
import { maskedNumber } from '../../src/logging.js';
import type { AttemptRow, CallerTrace, CallRow, ExplorerHistory, Invariant, LegTrace, OfferTrace, ProblemTrace, SeatCheck, Violation } from './history.js';

/**
 * The hangup cause adoption writes on a record whose call ended while no controller was up
 * (src/call/adopt.ts closeVanished): its end time is unknown, so ended_us stays null, and its
 * outcome is only what the record knew before the controller died.
 */
export const ENDED_WHILE_CONTROLLER_DOWN = 'ENDED_WHILE_CONTROLLER_DOWN';

/** The outcomes `calls.outcome` may hold (src/call/call-records.ts Outcome). */
const OUTCOMES = new Set(['answered', 'abandoned_ivr', 'abandoned_queue', 'transferred', 'callback', 'voicemail', 'failed']);

/**
 * The outcomes of a call whose flow ends it itself: the survey after a talk (answered, or
 * transferred and back), the hangup after a department's talk, after a call-back is registered
 * or a message left (src/call/steps/survey.ts, bridge-department.ts, enqueue.ts, voicemail.ts).
 */
const ENDED_ON_PURPOSE = new Set(['answered', 'transferred', 'callback', 'voicemail']);

/** The results `transfer_attempts.result` may hold (src/transfer/rules.ts AttemptResult). */
const ATTEMPT_RESULTS = new Set(['answered', 'busy', 'no_answer', 'failed', 'cancelled', 'refused']);

/**
 * Error-level log lines that an injected fault causes without any defect, each with why. A
 * line is allowed only when it starts with `message` and whatever the explorer appended (the
 * error's own message, in parentheses) matches `cause`.
 *
 * Left out on purpose, because under these faults they mean a defect:
 * - 'transfer failed' (src/call/agent-talk.ts): a move of the talk (uuid_setvar, uuid_bridge)
 *   refused because the inbound link dropped leaves the talk in `ringing` for ever: the caller
 *   waits on music or silence with nobody, and the talk never ends for the survey.
 * - 'call step failed; hanging up' (src/call/session.ts): steps talk on the caller's own socket,
 *   which neither fault closes under a living controller; a failing step drops a caller.
 * - 'call flow failed', listener and parser failures (src/esl): thrown where nothing should throw.
 * A killed controller logs nothing more at all: its connections go silent (memory-link.ts).
 */
export const ALLOWED_ERROR_LOGS: ReadonlyArray<{ message: string; cause: RegExp; why: string }> = [
  {
    message: 'adopting calls after reconnect failed',
    // ESL_DISCONNECTED's messages (src/esl/client.ts live() and onClose, connection.ts close)
    cause: /^\((not connected to .*; reconnecting|the ESL connection to .* closed.*|the ESL client was closed)\)$/,
    why: 'the inbound link dropped while adoption listed channels (src/call/controller.ts): every connection runs adoption again from the start, so nothing is lost',
  },
];

// ---------------------------------------------------------------------------------------------
// Lookups over one history

interface Facts {
  callers: Map<string, CallerTrace>;
  legs: Map<string, LegTrace>;
  rows: Map<string, CallRow[]>;
  /** leg uuid → the call its call_legs row names (the controller chose the uuid when it placed the leg) */
  recordedLegCall: Map<string, string>;
  /** call → the legs placed for it (callOfLeg), so that no check scans every leg for every call */
  legsOfCall: Map<string, LegTrace[]>;
}

function factsOf(h: ExplorerHistory): Facts {
  const rows = new Map<string, CallRow[]>();
  for (const r of h.records) rows.set(r.id, [...(rows.get(r.id) ?? []), r]);
  const f: Facts = {
    callers: new Map(h.callers.map((c) => [c.uuid, c])),
    legs: new Map(h.legs.map((l) => [l.uuid, l])),
    rows,
    recordedLegCall: new Map(h.recordLegs.map((l) => [l.id, l.call_id])),
    legsOfCall: new Map(),
  };
  for (const l of h.legs) {
    const call = callOfLeg(f, l.uuid);
    if (call === null) continue;
    const legs = f.legsOfCall.get(call);
    if (legs) legs.push(l);
    else f.legsOfCall.set(call, [l]);
  }
  return f;
}

/**
 * The call a leg was placed for: its cti_call_id or bridge partner as the switch saw them, else
 * its call_legs row. A department leg the caller's own `bridge` placed carries no cti_call_id,
 * so one that never got bridged is known only from that row.
 */
const callOfLeg = (f: Facts, uuid: string): string | null => f.legs.get(uuid)?.callerUuid ?? f.recordedLegCall.get(uuid) ?? null;

/** The plan index of the call a uuid belongs to: a caller's own, or the caller a leg was placed for. */
function callIndexOf(f: Facts, uuid: string | null | undefined): number | undefined {
  if (!uuid) return undefined;
  return (f.callers.get(uuid) ?? f.callers.get(callOfLeg(f, uuid) ?? ''))?.index;
}

/** The answered legs the caller was bridged with (each once, in order). */
function answeredPartners(f: Facts, c: CallerTrace): LegTrace[] {
  const legs = [...new Set(c.bridgedWith)].map((u) => f.legs.get(u));
  return legs.filter((l): l is LegTrace => l !== undefined && l.answeredAt !== undefined);
}

const endedUnseen = (row: CallRow): boolean => row.hangup_cause === ENDED_WHILE_CONTROLLER_DOWN;

/** Every run of 7 to 20 digits (a caller number) masked; digits inside a uuid are left alone. */
function masked(text: string): string {
  return text.replace(/(?<![0-9A-Fa-f-])[0-9]{7,20}(?![0-9A-Fa-f-])/g, (d) => maskedNumber(d)!);
}

const legLabel = (l: LegTrace): string => `${l.uuid} (${l.seat !== null ? `seat ${l.seat}` : masked(l.name)})`;

type Say = (detail: string, callIndex?: number) => void;

/** An invariant whose function name and violations' `invariant` are both `name`. */
function define(name: string, description: string, check: (h: ExplorerHistory, say: Say) => void): Invariant {
  const run = (h: ExplorerHistory): Violation[] => {
    const out: Violation[] = [];
    check(h, (detail, callIndex) => out.push(callIndex === undefined ? { invariant: name, detail } : { invariant: name, callIndex, detail }));
    return out;
  };
  Object.defineProperty(run, 'name', { value: name });
  return Object.assign(run, { description });
}

// ---------------------------------------------------------------------------------------------
// 1. One record per call, closed

export const oneRecordPerCall = define(
  'oneRecordPerCall',
  'Every caller that reached a controller has exactly one calls row, every row belongs to a caller the switch ran, and after the run every row is closed: an outcome, and an end time unless adoption closed it as ended while no controller was up.',
  (h, say) => {
    const f = factsOf(h);
    for (const c of h.callers) {
      const n = f.rows.get(c.uuid)?.length ?? 0;
      if (c.reachedController && n === 0) say(`caller ${c.uuid} reached a controller but has no calls row`, c.index);
      if (n > 1) say(`caller ${c.uuid} has ${n} calls rows`, c.index);
    }
    for (const [id] of f.rows) if (!f.callers.has(id)) say(`calls row ${id} belongs to no caller the switch ran`);
    for (const row of h.records) {
      const index = f.callers.get(row.id)?.index;
      if (row.outcome === null)
        say(
          `calls row ${row.id} is still open after the run: no outcome (ended_us ${row.ended_us ?? 'null'}, hangup_cause ${row.hangup_cause ?? 'null'})`,
          index,
        );
      else if (row.ended_us === null && !endedUnseen(row)) {
        say(
          `calls row ${row.id} has outcome ${row.outcome} but no ended_us, and its hangup_cause (${row.hangup_cause ?? 'null'}) is not ${ENDED_WHILE_CONTROLLER_DOWN}`,
          index,
        );
      }
    }
  },
);

// ---------------------------------------------------------------------------------------------
// 2. The outcome agrees with what the switch saw

function answeredMismatch(f: Facts, c: CallerTrace, row: CallRow): string | null {
  if (row.agent_id === null) return `call ${row.id} is recorded answered with no agent_id`;
  const seatLegs = answeredPartners(f, c).filter((l) => l.seat === row.agent_id);
  if (seatLegs.length > 0) return null;
  return `call ${row.id} is recorded answered by seat ${row.agent_id}, but the caller was never bridged with an answered leg of that seat (bridged with: ${c.bridgedWith.join(', ') || 'none'})`;
}

function transferredMismatch(f: Facts, row: CallRow): string | null {
  const placed = (f.legsOfCall.get(row.id) ?? []).filter((l) => l.seat === null);
  if (placed.some((l) => l.answeredAt !== undefined)) return null;
  const tried = placed.map((l) => `${l.uuid} ${l.hangupCause ?? 'unanswered'}`).join(', ');
  return `call ${row.id} is recorded transferred, but no department leg placed for it answered (${tried || 'none placed'})`;
}

function abandonedMismatch(f: Facts, c: CallerTrace, row: CallRow): string | null {
  // closed by adoption after an end no controller saw: the outcome is a guess (docs/explorer.md)
  if (endedUnseen(row)) return null;
  if (!c.callerLeft && !c.fallback)
    return `call ${row.id} is recorded ${row.outcome}, but the switch hung the caller up (${c.hangupCause ?? 'no cause'}); the caller did not leave`;
  const talked = answeredPartners(f, c).filter((l) => l.seat !== null);
  if (talked.length > 0) return `call ${row.id} is recorded ${row.outcome}, but the caller was bridged with answered seat leg ${legLabel(talked[0]!)}`;
  return null;
}

function outcomeMismatch(f: Facts, c: CallerTrace, row: CallRow): string | null {
  switch (row.outcome) {
    case null:
      return null; // an open record: oneRecordPerCall's
    case 'answered':
      return answeredMismatch(f, c, row);
    case 'transferred':
      return transferredMismatch(f, row);
    case 'abandoned_ivr':
    case 'abandoned_queue':
      return abandonedMismatch(f, c, row);
    case 'callback':
    case 'voicemail':
      return c.answered ? null : `call ${row.id} is recorded ${row.outcome}, but the caller's leg was never answered`;
    case 'failed':
      return `call ${row.id} is recorded failed, an outcome no step of the flow writes`;
    default:
      return `call ${row.id} has outcome ${JSON.stringify(row.outcome)}, which is none of ${[...OUTCOMES].join(', ')}`;
  }
}

export const outcomeMatchesEvents = define(
  'outcomeMatchesEvents',
  "Each record's outcome agrees with the switch: answered means bridged with an answered leg of agent_id's seat; transferred means a department leg placed for the call answered; abandoned means the caller left by themselves and never talked with a seat; callback and voicemail mean the caller was answered; failed is never written.",
  (h, say) => {
    const f = factsOf(h);
    for (const row of h.records) {
      const c = f.callers.get(row.id);
      if (!c) continue; // a row without a caller: oneRecordPerCall's
      const wrong = outcomeMismatch(f, c, row);
      if (wrong) say(wrong, c.index);
    }
  },
);

// ---------------------------------------------------------------------------------------------
// 3. The switch hangs a caller up only when the flow meant to end the call

export const callerHungUpOnlyOnPurpose = define(
  'callerHungUpOnlyOnPurpose',
  'A controlled caller whom the switch hung up (not the citizen) was ended on purpose: after every talk they had was over, and with an outcome of a flow that ends calls (answered, transferred, callback, voicemail); a record closed while no controller was up needs a finished talk instead. Callers the dialplan fallback handled are its own to end.',
  (h, say) => {
    const f = factsOf(h);
    for (const c of h.callers) {
      if (c.callerLeft || c.hungUpAt === undefined) continue;
      // the fallback ends calls by design: after its last round, or after a talk (hangup_after_bridge)
      if (!c.reachedController || c.fallback) continue;
      const row = f.rows.get(c.uuid)?.[0];
      if (!row) continue; // no record: oneRecordPerCall's
      const cause = c.hangupCause ?? 'no cause';
      const talks = answeredPartners(f, c);
      for (const l of talks) {
        if (l.hungUpAt !== undefined && l.hungUpAt > c.hungUpAt)
          say(
            `the switch hung up caller ${c.uuid} (${cause}) at ${c.hungUpAt} ms while its talk with leg ${legLabel(l)} went on until ${l.hungUpAt} ms`,
            c.index,
          );
      }
      if (endedUnseen(row)) {
        if (talks.length === 0)
          say(
            `the switch hung up caller ${c.uuid} (${cause}) at ${c.hungUpAt} ms while no controller had it and outside any talk (its record was closed as ${ENDED_WHILE_CONTROLLER_DOWN})`,
            c.index,
          );
      } else if (row.outcome === null || !ENDED_ON_PURPOSE.has(row.outcome)) {
        say(
          `the switch hung up caller ${c.uuid} (${cause}) at ${c.hungUpAt} ms, but its outcome ${row.outcome ?? 'null'} is not one of a flow that ends the call`,
          c.index,
        );
      }
    }
  },
);

// ---------------------------------------------------------------------------------------------
// 4. No leg left

export const noLegLeft = define(
  'noLegLeft',
  'When the run is over no channel is left in the simulator, and the switch reported the hangup of every caller and every leg it placed.',
  (h, say) => {
    const f = factsOf(h);
    const left = new Set<string>();
    for (const ch of h.channelsLeft) {
      left.add(ch.uuid);
      say(`channel ${ch.uuid} (${masked(ch.name)}) is still in the switch in ${ch.state} after the run`, callIndexOf(f, ch.uuid));
    }
    for (const c of h.callers)
      if (c.hungUpAt === undefined && !left.has(c.uuid)) say(`caller ${c.uuid} is gone, but the switch never reported its hangup`, c.index);
    for (const l of h.legs)
      if (l.hungUpAt === undefined && !left.has(l.uuid)) say(`leg ${legLabel(l)} is gone, but the switch never reported its hangup`, callIndexOf(f, l.uuid));
  },
);

// ---------------------------------------------------------------------------------------------
// 5. The ACD and the switch agree on every seat

/**
 * A ring no ACD offer stands behind: the dialplan fallback's ring-all (it sets no cti_call_id,
 * so its legs have no caller until one answers), or any ring for a caller the fallback took.
 */
function fallbackRing(f: Facts, uuid: string): boolean {
  const leg = f.legs.get(uuid);
  if (!leg || leg.callerUuid === null) return true;
  return f.callers.get(leg.callerUuid)?.fallback === true;
}

/** An answered seat leg of a caller the fallback took (the only talk a logged-out seat may have). */
function fallbackTalk(f: Facts, uuid: string): boolean {
  const caller = callOfLeg(f, uuid);
  return caller !== null && f.callers.get(caller)?.fallback === true;
}

/** What one check finds wrong, each with the uuid (call or leg) it is about. */
function seatDisagreements(f: Facts, s: SeatCheck): Array<{ detail: string; about: string | null }> {
  const out: Array<{ detail: string; about: string | null }> = [];
  const at = `at ${s.at} ms seat ${s.seat}`;
  const answered = s.switchLegs.filter((l) => l.answered);
  if (s.acdState === 'on_call') {
    if (answered.length === 0) {
      out.push({
        about: s.acdCall,
        detail: `${at} is on call ${s.acdCall ?? '(none)'} in the ACD, but the switch has no answered leg for it (live legs: ${s.switchLegs.map((l) => l.uuid).join(', ') || 'none'})`,
      });
    } else if (s.acdCall !== null && !answered.some((l) => [s.acdCall, null].includes(callOfLeg(f, l.uuid)))) {
      out.push({
        about: s.acdCall,
        detail: `${at} is on call ${s.acdCall} in the ACD, but its answered leg serves ${answered.map((l) => `${callOfLeg(f, l.uuid)} (leg ${l.uuid})`).join(', ')}`,
      });
    }
  } else {
    for (const l of answered) {
      // a seat nobody logged in is left as it is when it answers the fallback (acd adoptTalk)
      if (s.acdState === 'logged_out' && fallbackTalk(f, l.uuid)) continue;
      out.push({
        about: l.uuid,
        detail: `${at} is ${s.acdState} in the ACD, but talks in the switch on leg ${l.uuid} (call ${callOfLeg(f, l.uuid) ?? 'unknown'})`,
      });
    }
  }
  // a seat that answered a fallback call while we were offering it another still rings for
  // that one until its phone says busy (the ring was started while it was free)
  const onFallbackCall = s.acdState === 'on_call' && s.acdCall !== null && f.callers.get(s.acdCall)?.fallback === true;
  for (const l of s.switchLegs) {
    if (l.answered || fallbackRing(f, l.uuid) || onFallbackCall) continue;
    const caller = callOfLeg(f, l.uuid);
    if (s.acdState !== 'ringing')
      out.push({ about: l.uuid, detail: `${at} is ${s.acdState} in the ACD, but leg ${l.uuid} rings it for call ${caller ?? 'unknown'}` });
    else if (s.acdCall !== null && caller !== null && caller !== s.acdCall)
      out.push({ about: l.uuid, detail: `${at} is offered call ${s.acdCall} in the ACD, but leg ${l.uuid} rings it for call ${caller}` });
  }
  return out;
}

export const acdAgreesWithSwitch = define(
  'acdAgreesWithSwitch',
  "At each quiet check, the ACD's seat state matches the seat's legs in the switch: on_call has an answered leg (for the ACD's call), an answered leg means on_call (a logged-out seat may answer the fallback), and a leg rings a seat only for the call the ACD is offering it, apart from the fallback's ring-all.",
  (h, say) => {
    const f = factsOf(h);
    for (const s of h.seatChecks) for (const d of seatDisagreements(f, s)) say(d.detail, callIndexOf(f, d.about));
  },
);

// ---------------------------------------------------------------------------------------------
// 6. Each transfer attempt classified once

/** What is wrong with one attempt, given every result written for it (in order). */
function attemptProblems(row: AttemptRow, written: readonly string[]): string[] {
  const distinct = [...new Set(written)];
  const twice = distinct.length > 1 ? [`was classified ${distinct.join(' then ')}: two results for one attempt`] : [];
  if (row.result === null) {
    // A dead controller leaves the row as it was while the leg rang (no answer, no end, no
    // result), which the rate counts late (src/reports/transfer-rate.ts classifyAttempt); a
    // living one writes the end and the result in one statement (src/transfer/attempt.ts closeRow).
    const seen = row.ended_us !== null ? 'end' : row.answered_us !== null ? 'answer' : null;
    if (seen) return [`has no result, though its ${seen} was recorded`, ...twice];
    return distinct.length > 0 ? [`was classified ${distinct.join(', ')}, but its row holds no result`] : [];
  }
  if (!ATTEMPT_RESULTS.has(row.result)) return [`has result ${JSON.stringify(row.result)}, which is none of ${[...ATTEMPT_RESULTS].join(', ')}`];
  if (distinct.length === 0) return [`holds result ${row.result}, but no classification wrote it`];
  if (twice.length > 0) return twice;
  return distinct[0] === row.result ? [] : [`was classified ${distinct[0]}, but its row holds ${row.result}`];
}

export const transferClassifiedOnce = define(
  'transferClassifiedOnce',
  'Every transfer attempt gets one result: every result written for it is that one and its row holds it, and a row is left without one only as a controller that died while its leg rang leaves it (no answer, no end); no result is written for an attempt with no row.',
  (h, say) => {
    const f = factsOf(h);
    const written = new Map<number, string[]>();
    for (const c of h.classifications) written.set(c.attemptId, [...(written.get(c.attemptId) ?? []), c.result]);
    for (const row of h.attempts) {
      const about = `transfer attempt ${row.id} (call ${row.call_id}, ${row.kind} to ${row.hotline})`;
      for (const p of attemptProblems(row, written.get(row.id) ?? [])) say(`${about} ${p}`, f.callers.get(row.call_id)?.index);
    }
    const rows = new Set(h.attempts.map((a) => a.id));
    for (const [id, results] of written) if (!rows.has(id)) say(`result ${results.join(', ')} was written for transfer attempt ${id}, which has no row`);
  },
);

/** What the row says against what the switch did with the attempt's leg; null when they agree. */
function resultAgainstSwitch(row: AttemptRow, leg: LegTrace): string | null {
  const rowAnswerMs = row.answered_us === null ? null : Math.floor(row.answered_us / 1000);
  if (leg.answeredAt === undefined) return row.result === 'answered' ? `is answered at ${rowAnswerMs} ms, but the switch never answered its leg` : null;
  if (row.result !== 'answered') return `is ${row.result ?? 'unclassified'}, but the switch answered its leg at ${leg.answeredAt} ms`;
  return rowAnswerMs === leg.answeredAt ? null : `is answered at ${rowAnswerMs} ms, but the switch answered its leg at ${leg.answeredAt} ms`;
}

export const transferResultAsSwitchSaw = define(
  'transferResultAsSwitchSaw',
  "An attempt whose leg the switch answered is recorded answered, at the switch's answer time; one whose leg it never answered is not recorded answered. Attempts whose leg was up when a controller was killed are left out: a restarted controller does not take up an attempt.",
  (h, say) => {
    const f = factsOf(h);
    for (const row of h.attempts) {
      const leg = row.leg_id ? f.legs.get(row.leg_id) : undefined;
      if (!leg) continue;
      const upUntil = leg.hungUpAt ?? Number.POSITIVE_INFINITY;
      if ((h.kills ?? []).some((k) => k >= leg.createdAt && k <= upUntil)) continue;
      const problem = resultAgainstSwitch(row, leg);
      if (problem) say(`transfer attempt ${row.id} (call ${row.call_id}, ${row.kind} to ${row.hotline}) ${problem}`, f.callers.get(row.call_id)?.index);
    }
  },
);

// ---------------------------------------------------------------------------------------------
// 7. Queue order

type OrderKeys = { priority: number; enteredMs: number; seq: number };

/** Served first: the more urgent priority (1 highest), then the earlier queue entry, then arrival (src/acd/waiting-call.ts). */
export function servedFirst(a: OrderKeys, b: OrderKeys): boolean {
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.enteredMs !== b.enteredMs ? a.enteredMs < b.enteredMs : a.seq < b.seq;
}

const keysOf = (k: OrderKeys): string => `priority ${k.priority}, entered ${k.enteredMs} ms, seq ${k.seq}`;

/** The offers in time order (a stable sort: offers made in one instant keep their order). */
const inTimeOrder = (offers: readonly OfferTrace[]): OfferTrace[] =>
  offers
    .map((o, i) => ({ o, i }))
    .sort((a, b) => a.o.at - b.o.at || a.i - b.i)
    .map((x) => x.o);

export const queueOrder = define(
  'queueOrder',
  'Each offer gives the seat the call it should serve first: no call the seat could take and had not missed waited ahead of it (priority, then queue entry time, then arrival), and a seat is never offered again a queue entry it already missed.',
  (h, say) => {
    const f = factsOf(h);
    // a queue entry is (call, seq): a miss puts the same entry back with the same seq, a requeue
    // after a talk makes a new one with a new seq and no misses (src/acd/distributor.ts)
    const offeredTo = new Map<string, Set<string>>();
    for (const o of inTimeOrder(h.offers)) {
      const index = callIndexOf(f, o.callId);
      const entry = `${o.callId}#${o.seq}`;
      const seats = offeredTo.get(entry) ?? new Set<string>();
      if (seats.has(o.seat))
        say(`at ${o.at} ms seat ${o.seat} was offered call ${o.callId} (seq ${o.seq}) again, though it had missed that queue entry already`, index);
      seats.add(o.seat);
      offeredTo.set(entry, seats);
      for (const e of o.eligible) {
        if (e.callId === o.callId || !servedFirst(e, o)) continue;
        say(
          `at ${o.at} ms seat ${o.seat} was offered call ${o.callId} (${keysOf(o)}) while call ${e.callId} (${keysOf(e)}) waited ahead of it for that seat`,
          index,
        );
      }
    }
  },
);

// ---------------------------------------------------------------------------------------------
// 8. No uncaught error, no error log

/** Allow-listed only with its error: the same line without one could hide any failure. */
function allowedErrorLog(p: ProblemTrace): boolean {
  return ALLOWED_ERROR_LOGS.some((a) => p.message.startsWith(a.message) && a.cause.test(p.message.slice(a.message.length).trim()));
}

/** The first caller (or the caller of a leg) a message names. */
function callNamedIn(f: Facts, message: string): number | undefined {
  for (const c of f.callers.values()) if (message.includes(c.uuid)) return c.index;
  for (const l of f.legs.values()) if (message.includes(l.uuid)) return callIndexOf(f, l.uuid);
  return undefined;
}

export const noUncaughtError = define(
  'noUncaughtError',
  'No exception went uncaught in the controller or the simulator, and the controller logged nothing at error level apart from the allow-listed lines an injected fault causes without a defect.',
  (h, say) => {
    const f = factsOf(h);
    for (const u of h.uncaught) say(`uncaught in ${u.life} at ${u.at} ms: ${masked(u.message)}`, callNamedIn(f, u.message));
    for (const e of h.errorLogs) if (!allowedErrorLog(e)) say(`error logged by ${e.life} at ${e.at} ms: ${masked(e.message)}`, callNamedIn(f, e.message));
  },
);

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// 9. Routed as dialled

export const routedAsDialled = define(
  'routedAsDialled',
  "Each call is routed as routing.yaml says for how it arrived: the number dialled, a forwarding (Diversion) from one of our numbers, or the 110 platform's address (mode, origin hotline, and the 110 priority).",
  (h, say) => {
    const records = new Map(h.records.map((r) => [r.id, r]));
    for (const c of h.callers) {
      const want = c.expected;
      const row = records.get(c.uuid);
      if (!want || !row || row.origin_hotline === undefined) continue;
      const got = { mode: row.mode, originHotline: row.origin_hotline || null, priority: row.priority ?? null };
      const wrong = got.mode !== want.mode || got.originHotline !== want.originHotline || (want.priority !== null && got.priority !== want.priority);
      if (wrong) say(`call ${c.uuid} was routed as ${JSON.stringify(got)}, but routing.yaml says ${JSON.stringify(want)}`, c.index);
    }
  },
);

// ---------------------------------------------------------------------------------------------
// 10. No caller left alone

/**
 * How long a caller may hear nothing but music after their agent's leg ended before the flow
 * takes them on. The flow needs no time (the survey, the queue, the department follow at once);
 * a controller that died meanwhile needs its restart (at most 30 s here) and adoption's rescue.
 */
export const ALONE_LIMIT_MS = 60_000;

export const callerNotLeftAlone = define(
  'callerNotLeftAlone',
  `When a caller's agent hangs up, the flow takes the caller on at once (the survey, the queue, a bridge to the department, the fallback): no caller hears only music, or nothing, for more than ${ALONE_LIMIT_MS / 1000} s after their agent's leg ended.`,
  (h, say) => {
    for (const a of h.alone ?? []) {
      if (a.to - a.from <= ALONE_LIMIT_MS) continue;
      say(
        `caller ${a.uuid} was left alone ${Math.round((a.to - a.from) / 1000)} s after seat ${a.seat} hung up (from ${a.from} ms): no bridge, no conference, nothing but music`,
        a.index,
      );
    }
  },
);

// ---------------------------------------------------------------------------------------------
// 15. Seat legs on the record

/** Whether any controller's inbound link was open at some instant of [from, to]. */
function heardDuring(h: ExplorerHistory, from: number, to: number | undefined): boolean {
  if (!h.eslLinks) return true;
  const end = to ?? Infinity;
  return h.eslLinks.some((w) => w.from <= end && (w.to === undefined || w.to >= from));
}

export const seatLegsOnRecord = define(
  'seatLegsOnRecord',
  "Every seat leg that talked with a recorded caller is on that call's record (a call_legs row with the leg's uuid and the call's id, kind agent), with the switch's answer time when it has one, unless the leg lived and died while no controller's inbound link was open.",
  (h, say) => {
    const f = factsOf(h);
    const rows = new Map(h.recordLegs.map((r) => [r.id, r]));
    for (const c of h.callers) {
      if (!f.rows.has(c.uuid)) continue;
      for (const l of answeredPartners(f, c)) {
        if (l.seat === null) continue;
        const row = rows.get(l.uuid);
        if (!row) {
          if (heardDuring(h, l.createdAt, l.hungUpAt))
            say(`seat leg ${legLabel(l)} talked with caller ${c.uuid} but is not among the call's legs on record`, c.index);
          continue;
        }
        if (row.call_id !== c.uuid || row.kind !== 'agent')
          say(`seat leg ${legLabel(l)} talked with caller ${c.uuid} but is recorded as a ${row.kind} leg of call ${row.call_id}`, c.index);
        else if (row.answered_us !== null && row.answered_us !== l.answeredAt! * 1000)
          say(`seat leg ${legLabel(l)} is recorded answered at ${row.answered_us}, but the switch answered it at ${l.answeredAt! * 1000}`, c.index);
      }
    }
  },
);

// ---------------------------------------------------------------------------------------------
// 14. The caller hears what happens

/** How long an answered caller may hear nothing while a bridge rings before it is a defect. */
export const SILENT_RING_LIMIT_MS = 1000;

export const callerHearsWhatHappens = define(
  'callerHearsWhatHappens',
  `An answered caller hears ringback while an agent or a department rings (transfer_ringback set before any bridge: silence over ${SILENT_RING_LIMIT_MS / 1000} s is a violation), hears 转接部门 (transferring) before the controller rings a department for them, and hears 紧急转接 (emergency-transfer) before they are put through to an emergency number.`,
  (h, say) => {
    for (const x of h.sounds ?? []) {
      if (x.problem === 'silent-ring' && (x.ms ?? 0) <= SILENT_RING_LIMIT_MS) continue;
      const what =
        x.problem === 'silent-ring'
          ? `heard nothing for ${Math.round((x.ms ?? 0) / 100) / 10} s while ${masked(x.target)} rang (no transfer_ringback)`
          : x.problem === 'no-transfer-prompt'
            ? `was put through to the department ${masked(x.target)} without the transferring prompt`
            : `was bridged with the emergency number ${masked(x.target)} without the emergency-transfer prompt`;
      say(`caller ${x.uuid} ${what} (at ${x.at} ms)`, x.index);
    }
  },
);

// ---------------------------------------------------------------------------------------------
// 13. Offered by skill

export const offeredBySkill = define(
  'offeredBySkill',
  'Every call is offered only to a seat that serves its queue in the routing.yaml in force at that instant: a reloaded skill change reaches the ACD at once (src/acd/distributor.ts follow, reconfigure).',
  (h, say) => {
    const f = factsOf(h);
    for (const o of h.offers) {
      if (o.queue === undefined || o.seatSkills === undefined || o.seatSkills.includes(o.queue)) continue;
      say(
        `call ${o.callId} (queue ${o.queue}) was offered to seat ${o.seat} at ${o.at} ms, whose skills in the routing.yaml then in force are ${o.seatSkills.join(', ') || 'none'}`,
        f.callers.get(o.callId)?.index,
      );
    }
  },
);

// ---------------------------------------------------------------------------------------------
// 11. The record's times are the switch's

/** Whether an event at `at` (virtual ms) could reach a controller: its inbound link was open then. */
function heardAt(h: ExplorerHistory, at: number | undefined): boolean {
  if (at === undefined || !h.eslLinks) return true;
  return h.eslLinks.some((w) => w.from <= at && (w.to === undefined || at <= w.to));
}

function callerAnswerMismatch(h: ExplorerHistory, c: CallerTrace, row: CallRow): string | null {
  if (c.answeredUs === undefined) {
    return row.answered_us !== null && c.answered === false
      ? `call ${row.id} has answered_us ${row.answered_us}, but the switch never answered the caller`
      : null;
  }
  if (row.answered_us === c.answeredUs) return null;
  if (row.answered_us !== null) return `call ${row.id} has answered_us ${row.answered_us}, but the switch answered the caller at ${c.answeredUs}`;
  // unknown is honest only when no controller could have heard the caller's end
  if (endedUnseen(row) || !heardAt(h, c.hungUpAt)) return null;
  return `call ${row.id} has no answered_us, but the switch answered the caller at ${c.answeredUs} and a controller heard the caller's end (its last event carries the answer time)`;
}

function agentAnswerMismatch(h: ExplorerHistory, f: Facts, c: CallerTrace, row: CallRow): string | null {
  if (row.agent_id === null) return null;
  const candidates = new Set([...c.bridgedWith.map((u) => f.legs.get(u)), ...(f.legsOfCall.get(c.uuid) ?? [])]);
  const legs = [...candidates].filter((l): l is LegTrace => l !== undefined && l.seat === row.agent_id && l.answeredAt !== undefined);
  if (row.agent_answered_us !== null) {
    if (legs.some((l) => l.answeredAt! * 1000 === row.agent_answered_us)) return null;
    return `call ${row.id} has agent_answered_us ${row.agent_answered_us}, but no leg of seat ${row.agent_id} for it answered then (answered: ${legs.map((l) => l.answeredAt! * 1000).join(', ') || 'none'})`;
  }
  if (legs.length === 0 || endedUnseen(row)) return null;
  // unknown is honest only when no controller could have heard any of the seat's legs end
  if (legs.every((l) => !heardAt(h, l.hungUpAt))) return null;
  return `call ${row.id} names agent ${row.agent_id} but has no agent_answered_us, though leg ${legLabel(legs[0]!)} answered at ${legs[0]!.answeredAt! * 1000} and a controller heard it end`;
}

export const timesMatchSwitch = define(
  'timesMatchSwitch',
  "A record's answer times are the switch's own: answered_us is the caller leg's answer, agent_answered_us the answer of a leg of agent_id's seat placed for the call (each to the microsecond, by the switch's clock). Either may be unknown (null) only when no controller could have heard it: the leg ended while no inbound link was open, or the record was closed as ended while no controller was up.",
  (h, say) => {
    const f = factsOf(h);
    for (const row of h.records) {
      const c = f.callers.get(row.id);
      if (!c) continue;
      const wrong = callerAnswerMismatch(h, c, row) ?? agentAnswerMismatch(h, f, c, row);
      if (wrong) say(wrong, c.index);
    }
  },
);

// ---------------------------------------------------------------------------------------------
// 12. No dead air

/**
 * How long a caller may sit with nothing running for them. A controller that accepts the call
 * and never speaks holds it for listener_run's 25 s first-packet limit before the fallback; one
 * that dies leaves callers in CS_RESET until it restarts (at most 30 s here) and its adoption
 * rescues them.
 */
export const DEAD_AIR_LIMIT_MS = 60_000;

export const callerNeverInDeadAir = define(
  'callerNeverInDeadAir',
  `No caller, answered or not, sits for more than ${DEAD_AIR_LIMIT_MS / 1000} s with nothing running for them but the socket app or a park: no prompt, no music, no ringing, no bridge with anyone, no conference (what a controller that dies before \`connect\` leaves without socket_resume).`,
  (h, say) => {
    for (const d of h.deadAir ?? []) {
      if (d.to - d.from <= DEAD_AIR_LIMIT_MS) continue;
      say(
        `caller ${d.uuid} sat in dead air for ${Math.round((d.to - d.from) / 1000)} s from ${d.from} ms (${d.answered ? 'answered' : 'unanswered'}): nothing running but the socket app or a park`,
        d.index,
      );
    }
  },
);

export const INVARIANTS: readonly Invariant[] = [
  oneRecordPerCall,
  outcomeMatchesEvents,
  callerHungUpOnlyOnPurpose,
  noLegLeft,
  acdAgreesWithSwitch,
  transferClassifiedOnce,
  transferResultAsSwitchSaw,
  queueOrder,
  noUncaughtError,
  routedAsDialled,
  callerNotLeftAlone,
  timesMatchSwitch,
  callerNeverInDeadAir,
  offeredBySkill,
  callerHearsWhatHappens,
  seatLegsOnRecord,
];

/** Every invariant over the history; one that throws is reported as broken, never as held. */
export function checkAll(h: ExplorerHistory): Violation[] {
  return INVARIANTS.flatMap((inv) => {
    try {
      return inv(h);
    } catch (err) {
      return [{ invariant: inv.name, detail: `the check itself threw: ${masked(err instanceof Error ? err.message : String(err))}` }];
    }
  });
}
