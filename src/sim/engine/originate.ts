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
import type { DirectoryUser, EndpointTarget, LegPlan, Refusal } from './endpoints.js';
import { interrupted, isTrue } from './execution.js';
import { hangup, markAnswered, markPreAnswered, markRingReady, newChannel, preAnswer } from './lifecycle.js';
import { preparePair } from './pairs.js';
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
  /**
   * variables of an enclosing originate (its var_event), under the dial string's own {}: a
   * directory user's dial-string is originated with them (user_outgoing_channel)
   */
  vars?: ReadonlyMap<string, string>;
  /** origination_nested_vars: {} and [] values may hold `${…}` (kept literal); else they are refused */
  nestedVars?: boolean;
}

export type OriginateOutcome = { leg: Channel } | { cause: CauseName };

/** Caller variables a dial string inherits when it does not set them itself (~2370). */
const INHERITED = [
  'group_confirm_key',
  'group_confirm_file',
  'forked_dial',
  'fail_on_single_reject',
  'hangup_on_single_reject',
  'ignore_early_media',
  'bridge_early_media',
  'originate_continue_on_timeout',
  'ignore_ring_ready',
  'return_ring_ready',
  'ring_ready',
  'instant_ringback',
  'progress_timeout',
  'language',
];

const DEFAULT_TIMEOUT_S = 60;

export async function originate(core: Core, req: OriginateRequest): Promise<OriginateOutcome> {
  // switch_ivr_originate expands nothing: the bridge app's data was expanded by the executor
  // (switch_core_session_execute_application), the originate API's text never is
  const dial = parseDialString(req.dial);
  req = { ...req, nestedVars: nestedVarsAllowed(core, req) };
  if (req.vars) dial.globals = new Map([...req.vars, ...dial.globals]);
  for (const name of INHERITED) {
    const value = req.caller?.getVar(name);
    if (value !== undefined && !dial.globals.has(name)) dial.globals.set(name, value);
  }
  req.caller?.setVar('originate_disposition', 'failure');
  req.caller?.setVar('DIALSTATUS', 'INVALIDARGS');
  let outcome: OriginateOutcome = { cause: 'DESTINATION_OUT_OF_ORDER' };
  for (const group of dial.groups) {
    if (req.caller && interrupted(req.caller)) {
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
  // Several legs or groups make a forked dial (SOF_FORKED_DIAL, ~2980), which a directory user passes on as SOF_NOBLOCK.
  const forked = group.length > 1 || dial.groups.length > 1 || isTrue(dial.globals.get('forked_dial'));
  for (const leg of group) {
    let vars = legVars(dial, leg);
    let endpoint = leg.endpoint;
    let target = core.endpoints.resolve(endpoint);
    let outgoing = 1;
    while ('directory' in target) {
      const user = await directoryUser(core, req, target.directory, vars, forked);
      if ('leg' in user) {
        // the nested originate came back with a leg that is up: it wins at once below
        core.emit.channel('CHANNEL_OUTGOING', user.leg, { site: SITES.outgoing });
        legs.push({ ch: user.leg, timeoutMs: timeoutS * 1000 });
        break;
      }
      if ('refused' in user) {
        target = user;
        break;
      }
      ({ target, vars, endpoint } = user);
      // users whose dial-strings name each other: FreeSWITCH would recurse until it ran out of stack
      if (++outgoing > 8) target = { refused: 'INVALID_IE_CONTENTS' };
    }
    if ('directory' in target) continue;
    if ('refused' in target) {
      // No channel exists for this leg, and so no event (error/<cause>, unregistered user).
      const refused = target.refused;
      refusal ??= refused;
      core.observe((o) => o.legFailed?.(null, leg.endpoint, refused));
      continue;
    }
    const ch = createLeg(core, req, target, vars, endpoint, outgoing);
    legs.push({ ch, timeoutMs: (positiveInt(vars.get('leg_timeout')) ?? timeoutS) * 1000 });
  }
  if (legs.length === 0) return { cause: refusal ?? 'DESTINATION_OUT_OF_ORDER' };
  const started = Date.now();
  for (;;) {
    // switch_channel_ready(caller_channel) ends the wait (~3344) and fails the originate at `done:`
    // (~3895) even if a leg answered: false once the caller hangs up, is moved, or is reset (its
    // outbound socket's listener ended with socket_resume).
    if (req.caller && interrupted(req.caller)) return lose(core, legs, 'ORIGINATOR_CANCEL', 'ORIGINATOR_CANCEL');
    const winner = legs.find(({ ch }) => ch.ready && (ch.answered || (earlyOk && ch.earlyMedia)));
    if (winner) return win(core, req, legs, winner.ch);
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
}

/**
 * A directory user (`user/<id>` whose entry has a dial-string; mod_dptools.c user_outgoing_channel):
 * dialed_user and dialed_domain are set on the caller and added to the variables with
 * presence_id, the dial-string is expanded (on the caller's channel when there is one), and a
 * string that names the same user again is refused (INVALID_IE_CONTENTS). Then it is
 * originated within this originate: in a forked dial without waiting (SOF_NOBLOCK: the leg it
 * creates rings with the others; the first leg of the string is taken), otherwise to the end,
 * so the user's leg comes back already answered, or the whole attempt fails with its cause.
 */
async function directoryUser(
  core: Core,
  req: OriginateRequest,
  dir: DirectoryUser['directory'],
  vars: Map<string, string>,
  forked: boolean,
): Promise<{ leg: Channel } | Refusal | { target: ReturnType<Core['endpoints']['resolve']>; vars: Map<string, string>; endpoint: string }> {
  const extra = new Map([
    ['dialed_user', dir.user],
    ['dialed_domain', dir.domain],
  ]);
  if (!dir.dialString.includes('presence_id=')) extra.set('presence_id', `${dir.user}@${dir.domain}`);
  const merged = new Map([...vars, ...extra]);
  let expanded: string;
  if (req.caller) {
    req.caller.setVar('dialed_user', dir.user);
    req.caller.setVar('dialed_domain', dir.domain);
    expanded = core.expand(req.caller, dir.dialString);
  } else {
    expanded = dir.dialString.replace(/\$\{([^}]+)\}/g, (_, name: string) => merged.get(name) ?? core.globals.get(name) ?? '');
  }
  if (expanded.toLowerCase().includes(`user/${dir.user}`.toLowerCase())) return { refused: 'INVALID_IE_CONTENTS' };
  if (forked) {
    const inner = parseDialString(expanded);
    const first = inner.groups[0]?.[0];
    if (!first) return { refused: 'DESTINATION_OUT_OF_ORDER' };
    return { target: core.endpoints.resolve(first.endpoint), vars: new Map([...merged, ...inner.globals, ...first.vars]), endpoint: first.endpoint };
  }
  const timeoutS = positiveInt(req.caller?.getVar('call_timeout')) ?? positiveInt(merged.get('leg_timeout')) ?? DEFAULT_TIMEOUT_S;
  const outcome = await originate(core, { dial: expanded, caller: req.caller, cidName: req.cidName, cidNumber: req.cidNumber, timeoutS, vars: merged });
  return 'leg' in outcome ? outcome : { refused: outcome.cause };
}

/**
 * The new outbound channel: CHANNEL_OUTGOING before its session starts (once more for each
 * endpoint it was reached through: a directory user's), then CREATE/ORIGINATE. A leg to a
 * loopback or to a gateway that points at this switch gets its twin (pairs.ts).
 */
function createLeg(core: Core, req: OriginateRequest, target: EndpointTarget, vars: Map<string, string>, endpoint: string, outgoing = 1): Channel {
  const caller = req.caller;
  const cidName = vars.get('origination_caller_id_name') ?? req.cidName ?? caller?.profile.callerIdName ?? 'FreeSWITCH';
  const cidNumber = vars.get('origination_caller_id_number') ?? req.cidNumber ?? caller?.profile.callerIdNumber ?? '0000000000';
  const inherited = caller ? exportedVars(caller) : [];
  const loopback = target.pair?.kind === 'loopback' ? target.pair : undefined;
  // mod_loopback channel_outgoing_channel pre-answers the calling session before its leg exists.
  if (loopback && caller && !isTrue(caller.getVar('loopback_no_pre_answer'))) preAnswer(core, caller);
  const legVarList = [...vars, ...target.vars].filter(([, value]) => req.nestedVars || !holdsVariable(value));
  const ch = newChannel(core, {
    direction: 'outbound',
    name: target.channelName,
    uuid: vars.get('origination_uuid'),
    profile: {
      callerIdName: cidName,
      callerIdNumber: cidNumber,
      origCallerIdName: cidName,
      origCallerIdNumber: cidNumber,
      calleeIdName: 'Outbound Call',
      calleeIdNumber: target.destination,
      destinationNumber: target.destination,
      ani: cidNumber,
      source: loopback ? 'mod_loopback' : 'mod_sofia',
      context: loopback?.context ?? 'default',
      networkAddr: '',
      ...(loopback ? { dialplan: loopback.dialplan } : {}),
    },
    vars: [...inherited, ...legVarList],
  });
  if (target.pair) preparePair(core, ch, target.pair, caller, legVarList);
  ch.sim.endpoint = endpoint;
  ch.sim.agent = target.agent;
  if (caller) {
    // The B-leg is bonded to its caller (switch_core_session_outgoing_channel ~711) and shares its call_uuid.
    ch.setVar('originator', caller.uuid);
    ch.setVar('signal_bond', caller.uuid);
    ch.setVar('call_uuid', caller.getVar('call_uuid') ?? caller.uuid);
    ch.otherLeg = { type: 'originator', profile: structuredClone(caller.profile) };
    caller.setVar('originate_signal_bond', ch.uuid);
    // every leg as it is created, answered or not (switch_ivr_originate.c ~3219, the leg loop)
    ch.setVar('originating_leg_uuid', caller.uuid);
    pushArray(caller, 'originated_legs', `${ch.uuid};${ch.profile.calleeIdName || 'Outbound Call'};${ch.profile.destinationNumber}`);
  }
  for (let i = 0; i < outgoing; i++) core.emit.channel('CHANNEL_OUTGOING', ch, { site: SITES.outgoing });
  startSession(core, ch);
  core.observe((o) => o.legCreated?.(ch, endpoint));
  if (caller) {
    ch.destroyed.then(
      () => {
        if (!caller.ready) return;
        if (ch.hangupCause && ch.hangupCause !== 'NONE' && !ch.answered) recordCause(caller, ch, ch.hangupCause);
      },
      () => {},
    );
  }
  drivePlan(core, ch, target.plan);
  return ch;
}

/** Variables named in the caller's export_vars travel to the legs it originates. */
function exportedVars(caller: Channel): Array<[string, string]> {
  const names = (caller.getVar('export_vars') ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  return names.flatMap((n) => {
    const v = caller.getVar(n) ?? caller.getVar(`nolocal:${n}`);
    return v === undefined ? [] : [[n, v] as [string, string]];
  });
}

/** The far end's behaviour as timers: ring (180 or 183), then answer, fail, or wait to be driven. */
function drivePlan(core: Core, ch: Channel, plan: LegPlan): void {
  const at = (ms: number, fn: () => void) => core.later(ms, () => ch.ready && fn());
  if (plan.ringAfterMs !== null) at(plan.ringAfterMs, () => (plan.early ? markPreAnswered(core, ch) : markRingReady(core, ch)));
  if (plan.kind === 'answer') at(plan.answerAfterMs, () => !plan.busyThen?.() && answerLeg(core, ch, plan.talkMs));
  if (plan.kind === 'fail') at(plan.failAfterMs, () => hangup(core, ch, plan.cause));
  if (plan.kind === 'manual') ch.sim.talkMs = plan.talkMs;
}

/** The far end picks up; with a talk time it hangs up by itself later. */
export function answerLeg(core: Core, ch: Channel, talkMs?: number): void {
  if (!markAnswered(core, ch) || talkMs === undefined) return;
  core.later(talkMs, () => ch.ready && hangup(core, ch, 'NORMAL_CLEARING'));
}

/**
 * switch_string_var_check_const (switch_utils.h): a `$` then `{`, with backslashes between them
 * skipped. Such a value is not set on the new leg (switch_channel_set_variable_var_check logs
 * "Invalid data" at CRIT) unless origination_nested_vars allows it.
 */
export function holdsVariable(value: string): boolean {
  return /\$\\*\{/.test(value);
}

/** oglobals.check_vars off (switch_ivr_originate.c ~2269): the enclosing vars, the caller, a global, or the text itself. */
function nestedVarsAllowed(core: Core, req: OriginateRequest): boolean {
  if (req.nestedVars) return true;
  const on = (v: string | undefined) => isTrue(v);
  return (
    on(req.vars?.get('origination_nested_vars')) ||
    on(req.caller?.getVar('origination_nested_vars')) ||
    on(core.globals.get('origination_nested_vars')) ||
    req.dial.toLowerCase().includes('origination_nested_vars=true')
  );
}
