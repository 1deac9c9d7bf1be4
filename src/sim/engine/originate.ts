// Placing outbound legs (switch_ivr_originate.c switch_ivr_originate): the dial string's groups
// are tried in turn, the legs of a group ring together, the first leg that is answered (or has
// early media, unless ignore_early_media) wins and the others get LOSE_RACE; a timeout gives
// NO_ANSWER, a caller who gives up ORIGINATOR_CANCEL, a leg that ends by itself its own cause.
// The caller's originate_disposition and DIALSTATUS are set as the end of switch_ivr_originate
// sets them.
import type { CauseName } from './causes.js';
import { dialStatus } from './causes.js';
import type { Channel } from './channel.js';
import type { Core } from './core.js';
import { legVars, parseDialString, positiveInt, type DialLeg, type DialString } from './dial-string.js';
import type { EndpointTarget, LegPlan } from './endpoints.js';
import { isTrue } from './execution.js';
import { hangup, markAnswered, markPreAnswered, markRingReady, newChannel } from './lifecycle.js';
import { startSession } from './session-loop.js';
import { SITES } from './sites.js';
import { pushArray } from './transfer.js';
import { waitAny } from './waker.js';

export interface OriginateRequest {
  dial: string;
  /** the A-leg (bridge app, att_xfer); absent for the originate API */
  caller?: Channel;
  /** the API's <timeout_sec> argument */
  timeoutS?: number;
  cidName?: string;
  cidNumber?: string;
}

export type OriginateOutcome = { leg: Channel } | { cause: CauseName };

/** Caller variables a dial string inherits when it does not set them itself (~2370). */
const INHERITED = [
  'group_confirm_key', 'group_confirm_file', 'forked_dial', 'fail_on_single_reject', 'hangup_on_single_reject',
  'ignore_early_media', 'bridge_early_media', 'originate_continue_on_timeout', 'ignore_ring_ready',
  'return_ring_ready', 'ring_ready', 'instant_ringback', 'progress_timeout', 'language',
];

const DEFAULT_TIMEOUT_S = 60;

export async function originate(core: Core, req: OriginateRequest): Promise<OriginateOutcome> {
  const dial = parseDialString(core.expand(req.caller ?? null, req.dial));
  for (const name of INHERITED) {
    const value = req.caller?.getVar(name);
    if (value !== undefined && !dial.globals.has(name)) dial.globals.set(name, value);
  }
  req.caller?.setVar('originate_disposition', 'failure');
  req.caller?.setVar('DIALSTATUS', 'INVALIDARGS');
  let outcome: OriginateOutcome = { cause: 'DESTINATION_OUT_OF_ORDER' };
  for (const group of dial.groups) {
    if (req.caller && !req.caller.ready) {
      outcome = { cause: 'ORIGINATOR_CANCEL' };
      break;
    }
    outcome = await dialGroup(core, req, dial, group);
    if ('leg' in outcome || outcome.cause === 'ORIGINATOR_CANCEL') break;
  }
  finishCaller(req.caller, outcome);
  return outcome;
}

/**
 * The caller's result variables. On success "call accepted" (and DIALSTATUS EARLY/ANSWER,
 * inverted in the source) are overwritten a few lines later by cause2str(SUCCESS), which is
 * why real captures show originate_disposition=SUCCESS and DIALSTATUS=SUCCESS.
 */
function finishCaller(caller: Channel | undefined, outcome: OriginateOutcome): void {
  if (!caller) return;
  const cause = 'leg' in outcome ? 'SUCCESS' : outcome.cause;
  caller.setVar('originate_disposition', cause);
  caller.setVar('DIALSTATUS', dialStatus(cause));
}

interface Ringing {
  ch: Channel;
  timeoutMs: number;
}

async function dialGroup(core: Core, req: OriginateRequest, dial: DialString, group: DialLeg[]): Promise<OriginateOutcome> {
  const timeoutS = positiveInt(dial.globals.get('originate_timeout')) ?? req.timeoutS ?? DEFAULT_TIMEOUT_S;
  const progressS = positiveInt(dial.globals.get('progress_timeout'));
  const earlyOk = !isTrue(dial.globals.get('ignore_early_media')) && !/^(consume|ring_ready)$/i.test(dial.globals.get('ignore_early_media') ?? '');
  const legs: Ringing[] = [];
  let refusal: CauseName | undefined;
  for (const leg of group) {
    const vars = legVars(dial, leg);
    const target = core.endpoints.resolve(core.expand(req.caller ?? null, leg.endpoint));
    if ('refused' in target) {
      // No channel exists for this leg, and so no event (error/<cause>, unregistered user).
      refusal ??= target.refused;
      core.observe((o) => o.legFailed?.(null, leg.endpoint, target.refused));
      continue;
    }
    const ch = createLeg(core, req, target, vars, leg.endpoint);
    legs.push({ ch, timeoutMs: (positiveInt(vars.get('leg_timeout')) ?? timeoutS) * 1000 });
  }
  if (legs.length === 0) return { cause: refusal ?? 'DESTINATION_OUT_OF_ORDER' };
  const started = Date.now();
  for (;;) {
    const winner = legs.find(({ ch }) => ch.ready && (ch.answered || (earlyOk && ch.earlyMedia)));
    if (winner) return win(core, req, legs, winner.ch);
    if (req.caller && !req.caller.ready) return lose(core, legs, 'ORIGINATOR_CANCEL', 'ORIGINATOR_CANCEL');
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutS * 1000) return lose(core, legs, 'NO_ANSWER', 'NO_ANSWER');
    if (progressS && elapsed >= progressS * 1000 && !legs.some(({ ch }) => ch.ringReady || ch.earlyMedia)) {
      return lose(core, legs, 'PROGRESS_TIMEOUT', 'PROGRESS_TIMEOUT');
    }
    for (const leg of legs) if (leg.ch.ready && elapsed >= leg.timeoutMs) hangup(core, leg.ch, 'NO_ANSWER');
    const down = legs.filter(({ ch }) => !ch.ready);
    if (down.length === legs.length) return lose(core, legs, down[0]!.ch.hangupCause ?? 'NORMAL_CLEARING', null);
    const next = Math.min(timeoutS * 1000, ...legs.filter(({ ch }) => ch.ready).map((l) => l.timeoutMs), progressS ? progressS * 1000 : Infinity);
    await waitAny([...legs.map(({ ch }) => ch.waker), ...(req.caller ? [req.caller.waker] : [])], Math.max(1, next - elapsed));
  }
}

/** The winner stays; the other legs are hung up with LOSE_RACE. */
function win(core: Core, req: OriginateRequest, legs: Ringing[], winner: Channel): OriginateOutcome {
  for (const { ch } of legs) if (ch !== winner) hangup(core, ch, 'LOSE_RACE');
  winner.setVar('originate_early_media', winner.answered ? 'false' : 'true');
  if (req.caller) {
    req.caller.otherLeg = { type: 'originatee', profile: structuredClone(winner.profile) };
    recordCause(req.caller, winner, 'NONE');
  }
  return { leg: winner };
}

/**
 * Every leg still up is hung up with `legCause`; the originate fails with `cause`, or with the
 * first leg's own cause when null. FreeSWITCH returns once the legs are gone, so the API reply
 * (and BACKGROUND_JOB) comes after their CHANNEL_HANGUP_COMPLETE.
 */
async function lose(core: Core, legs: Ringing[], legCause: CauseName, cause: CauseName | null): Promise<OriginateOutcome> {
  for (const { ch } of legs) hangup(core, ch, legCause);
  await Promise.all(legs.map(({ ch }) => ch.destroyed));
  for (const { ch } of legs) core.observe((o) => o.legFailed?.(ch, ch.sim.endpoint ?? ch.name, ch.hangupCause ?? legCause));
  return { cause: cause ?? legs[0]!.ch.hangupCause ?? 'NORMAL_CLEARING' };
}

function recordCause(caller: Channel, leg: Channel, cause: string): void {
  pushArray(caller, 'originate_causes', `${leg.uuid};${cause}`);
  pushArray(caller, 'originated_legs', `${leg.uuid};${leg.profile.calleeIdName || 'Outbound Call'};${leg.profile.destinationNumber}`);
}

/** The new outbound channel: CHANNEL_OUTGOING before its session starts, then CREATE/ORIGINATE. */
function createLeg(core: Core, req: OriginateRequest, target: EndpointTarget, vars: Map<string, string>, endpoint: string): Channel {
  const caller = req.caller;
  const cidName = vars.get('origination_caller_id_name') ?? req.cidName ?? caller?.profile.callerIdName ?? 'FreeSWITCH';
  const cidNumber = vars.get('origination_caller_id_number') ?? req.cidNumber ?? caller?.profile.callerIdNumber ?? '0000000000';
  const inherited = caller ? exportedVars(caller) : [];
  const ch = newChannel(core, {
    direction: 'outbound',
    name: target.channelName,
    uuid: vars.get('origination_uuid'),
    profile: {
      callerIdName: cidName, callerIdNumber: cidNumber, origCallerIdName: cidName, origCallerIdNumber: cidNumber,
      calleeIdName: 'Outbound Call', calleeIdNumber: target.destination, destinationNumber: target.destination,
      ani: cidNumber, source: 'mod_sofia', context: 'default', networkAddr: '',
    },
    vars: [...inherited, ...vars, ...target.vars],
  });
  ch.sim.endpoint = endpoint;
  ch.sim.agent = target.agent;
  if (caller) {
    // The B-leg is bonded to its caller (switch_core_session_outgoing_channel ~711) and shares its call_uuid.
    ch.setVar('originator', caller.uuid);
    ch.setVar('signal_bond', caller.uuid);
    ch.setVar('call_uuid', caller.getVar('call_uuid') ?? caller.uuid);
    ch.otherLeg = { type: 'originator', profile: structuredClone(caller.profile) };
    caller.setVar('originate_signal_bond', ch.uuid);
  }
  core.emit.channel('CHANNEL_OUTGOING', ch, { site: SITES.outgoing });
  startSession(core, ch);
  core.observe((o) => o.legCreated?.(ch, endpoint));
  if (caller) {
    ch.destroyed.then(() => {
      if (!caller.ready) return;
      if (ch.hangupCause && ch.hangupCause !== 'NONE' && !ch.answered) recordCause(caller, ch, ch.hangupCause);
    }, () => {});
  }
  drivePlan(core, ch, target.plan);
  return ch;
}

/** Variables named in the caller's export_vars travel to the legs it originates. */
function exportedVars(caller: Channel): Array<[string, string]> {
  const names = (caller.getVar('export_vars') ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  return names.flatMap((n) => {
    const v = caller.getVar(n) ?? caller.getVar(`nolocal:${n}`);
    return v === undefined ? [] : [[n, v] as [string, string]];
  });
}

/** The far end's behaviour as timers: ring (180 or 183), then answer, fail, or wait to be driven. */
function drivePlan(core: Core, ch: Channel, plan: LegPlan): void {
  const at = (ms: number, fn: () => void) => core.later(ms, () => ch.ready && fn());
  if (plan.ringAfterMs !== null) at(plan.ringAfterMs, () => (plan.early ? markPreAnswered(core, ch) : markRingReady(core, ch)));
  if (plan.kind === 'answer') at(plan.answerAfterMs, () => answerLeg(core, ch, plan.talkMs));
  if (plan.kind === 'fail') at(plan.failAfterMs, () => hangup(core, ch, plan.cause));
  if (plan.kind === 'manual') ch.sim.talkMs = plan.talkMs;
}

/** The far end picks up; with a talk time it hangs up by itself later. */
export function answerLeg(core: Core, ch: Channel, talkMs?: number): void {
  if (!markAnswered(core, ch) || talkMs === undefined) return;
  core.later(talkMs, () => ch.ready && hangup(core, ch, 'NORMAL_CLEARING'));
}
