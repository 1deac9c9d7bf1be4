// Calls the switch places to itself, as an unattended test box uses them: a loopback leg
// (mod_loopback.c) and a gateway whose proxy is another sofia profile of the same switch.
// Either way one originated leg has a twin that enters this switch's dialplan as an inbound
// call, and what the twin's dialplan does (ring_ready, answer, hangup) reaches the originated
// leg as its far end's signalling.
//
// mod_loopback.c:
//  - channel_outgoing_channel: pre-answers the calling session (unless loopback_no_pre_answer),
//    keeps the originate's variables for the -b leg, sets loopback_from_uuid, names the leg
//    `loopback/<exten>-a`, takes the context (and dialplan) from the text after the first `/`;
//  - channel_on_init (the -a leg): makes the -b leg (inbound, `loopback/<exten>-b`, a copy of the
//    -a leg's caller profile with source mod_loopback), gives it the kept variables and those
//    named in loopback_export, sets other_loopback_leg_uuid on both and other_loopback_from_uuid
//    on the -b leg, starts its thread, then sets loopback_leg=A (the -b leg sets B in its own init);
//  - channel_receive_message: only messages to the -b leg travel, ANSWER, PROGRESS and RINGING,
//    each marking the -a leg (mark_answered, mark_pre_answered, mark_ring_ready); anything else,
//    RESPOND among them, stays on the leg it was sent to;
//  - channel_on_hangup: sets is_loopback=1 and hangs the other leg up with the same cause;
//  - channel_send_dtmf: digits sent to one leg are queued on the other.
// The SIP hop (mod_sofia.c sofia_on_hangup, hangup_cause_to_sip; sofia.c the final response and
// BYE handlers; sofia_glue.c sofia_glue_sip_cause_to_freeswitch): 180, 183 and 200 mark the
// gateway leg; a hangup goes out as BYE (answered), CANCEL (the gateway leg, unanswered) or a
// final response (the far end, unanswered), each with a `Reason: Q.850;cause=N` header for
// causes 1–127, which the receiving side takes as its own cause; other causes travel as the
// SIP status alone. A CANCEL ends the far end with ORIGINATOR_CANCEL (its 487).
// Bowing out (loopback_bowout), the `app=` form and media are not simulated.
import { causeCode, type CauseName } from './causes.js';
import type { Channel, LegPair } from './channel.js';
import type { Core } from './core.js';
import type { PairTarget } from './endpoints.js';
import { inboundSipVars } from './citizens.js';
import { hangup, markAnswered, markPreAnswered, markRingReady, newChannel } from './lifecycle.js';
import { startSession } from './session-loop.js';

/** What an inbound leg tells its endpoint before it marks itself (switch_channel_perform_answer & co). */
export type Indication = 'ringing' | 'progress' | 'answer';

/**
 * Readies `a`, an originated leg whose far end is this switch: the twin is made in a's
 * CS_INIT (loopback) or once a's INVITE arrives (sip). `vars` are the originate's variables
 * for the leg, which a loopback -b leg inherits.
 */
export function preparePair(core: Core, a: Channel, target: PairTarget, caller: Channel | undefined, vars: Array<[string, string]>): void {
  if (target.kind === 'loopback') {
    a.sim.tech = 'loopback';
    if (caller) a.setVar('loopback_from_uuid', caller.uuid);
    a.sim.onInit = () => startLoopbackB(core, a, vars);
    return;
  }
  a.sim.onInit = () => core.later(0, () => a.ready && startFarEnd(core, a, target));
}

function link(a: Channel, b: Channel, kind: LegPair['kind']): void {
  a.sim.pair = { peer: b, kind, outbound: true };
  b.sim.pair = { peer: a, kind, outbound: false };
}

/** mod_loopback channel_on_init on the -a leg. */
function startLoopbackB(core: Core, a: Channel, kept: Array<[string, string]>): void {
  const p = a.profile;
  const b = newChannel(core, {
    direction: 'inbound',
    name: `loopback/${p.destinationNumber}-b`,
    profile: {
      username: p.username,
      dialplan: p.dialplan,
      callerIdName: p.callerIdName,
      callerIdNumber: p.callerIdNumber,
      origCallerIdName: p.origCallerIdName,
      origCallerIdNumber: p.origCallerIdNumber,
      calleeIdName: p.calleeIdName,
      calleeIdNumber: p.calleeIdNumber,
      networkAddr: p.networkAddr,
      ani: p.ani,
      aniii: p.aniii,
      destinationNumber: p.destinationNumber,
      source: 'mod_loopback',
      context: p.context,
      rdnis: p.rdnis,
    },
    vars: kept,
  });
  b.sim.tech = 'loopback';
  for (const name of (a.getVar('loopback_export') ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)) {
    const value = a.getVar(name);
    if (value) b.setVar(name, value);
  }
  a.setVar('other_loopback_leg_uuid', b.uuid);
  b.setVar('other_loopback_leg_uuid', a.uuid);
  b.setVar('other_loopback_from_uuid', a.getVar('loopback_from_uuid'));
  link(a, b, 'loopback');
  b.sim.onInit = () => b.setVar('loopback_leg', 'B');
  a.setVar('loopback_leg', 'A');
  // Its own thread in FreeSWITCH: it starts once a's CS_INIT work (CHANNEL_CREATE) is done.
  queueMicrotask(() => startSession(core, b));
}

/** The INVITE of a gateway leg arrives on a profile of this switch: an inbound call there. */
function startFarEnd(core: Core, a: Channel, target: Extract<PairTarget, { kind: 'sip' }>): void {
  const from = a.profile.callerIdNumber;
  const to = a.profile.destinationNumber;
  const local = core.globals.get('local_ip_v4') ?? '127.0.0.1';
  const b = newChannel(core, {
    direction: 'inbound',
    name: `sofia/${target.profile}/${from}@${target.address}`,
    profile: {
      username: from,
      dialplan: 'XML',
      callerIdName: a.profile.callerIdName,
      callerIdNumber: from,
      origCallerIdName: a.profile.callerIdName,
      origCallerIdNumber: from,
      networkAddr: target.address,
      ani: from,
      destinationNumber: to,
      source: 'mod_sofia',
      context: target.context,
    },
    vars: inboundSipVars(core, { from, to, source: target.address, local, requestUser: to, profile: target.profile }),
  });
  link(a, b, 'sip');
  startSession(core, b);
}

/**
 * An inbound leg of a pair tells its twin before (loopback) or as (sip) it marks itself.
 * Nothing travels from the originated leg, nor from a leg whose twin is gone.
 */
export function indicate(core: Core, ch: Channel, what: Indication): void {
  const pair = ch.sim.pair;
  if (!pair || pair.outbound || !pair.peer.ready) return;
  if (what === 'ringing') markRingReady(core, pair.peer);
  else if (what === 'progress') markPreAnswered(core, pair.peer);
  else markAnswered(core, pair.peer);
}

/** The endpoint's part of CS_HANGUP (loopback channel_on_hangup; sofia_on_hangup's BYE, CANCEL or response). */
export function pairHangup(core: Core, ch: Channel): void {
  const pair = ch.sim.pair;
  if (!pair) return;
  const cause = ch.hangupCause ?? 'NORMAL_CLEARING';
  if (pair.kind === 'loopback') {
    ch.setVar('is_loopback', '1');
    hangup(core, pair.peer, cause);
    return;
  }
  const peer = pair.peer;
  if (!peer.ready) return;
  // the peer's hangup comes with the SIP message, a moment later
  const send = (peerCause: CauseName, status?: number) =>
    core.later(0, () => {
      if (!peer.ready) return;
      if (status !== undefined) {
        peer.setVar('sip_term_status', String(status));
        peer.setVar('proto_specific_hangup_cause', `sip:${status}`);
      }
      hangup(core, peer, peerCause);
    });
  const q850 = causeCode(cause) > 0 && causeCode(cause) < 128;
  if (ch.answered) return send(q850 ? cause : 'NORMAL_CLEARING'); // BYE
  if (pair.outbound) return send('ORIGINATOR_CANCEL'); // CANCEL: the far end answers 487
  const status = ch.sim.respondCode ?? hangupCauseToSip(cause);
  send(q850 ? cause : sipCauseToFreeswitch(status), status);
}

/** channel_send_dtmf of loopback (queued on the twin); over the SIP hop the far end receives them as RFC 2833. */
export function sendDtmfToPeer(ch: Channel, digit: string, duration: number): boolean {
  const peer = ch.sim.pair?.peer;
  if (!peer?.ready) return false;
  peer.queueDtmf(digit, duration);
  return true;
}

/** mod_sofia.c hangup_cause_to_sip (RFC 4497 8.4.1 and FreeSWITCH's own additions). */
export function hangupCauseToSip(cause: CauseName): number {
  switch (cause) {
    case 'UNALLOCATED_NUMBER':
    case 'NO_ROUTE_TRANSIT_NET':
    case 'NO_ROUTE_DESTINATION':
      return 404;
    case 'USER_BUSY':
      return 486;
    case 'NO_USER_RESPONSE':
      return 408;
    case 'NO_ANSWER':
    case 'SUBSCRIBER_ABSENT':
      return 480;
    case 'CALL_REJECTED':
      return 603;
    case 'NUMBER_CHANGED':
    case 'REDIRECTION_TO_NEW_DESTINATION':
      return 410;
    case 'DESTINATION_OUT_OF_ORDER':
    case 'INVALID_PROFILE':
      return 502;
    case 'INVALID_NUMBER_FORMAT':
    case 'INVALID_URL':
    case 'INVALID_GATEWAY':
      return 484;
    case 'FACILITY_REJECTED':
      return 501;
    case 'NORMAL_UNSPECIFIED':
      return 480;
    case 'REQUESTED_CHAN_UNAVAIL':
    case 'NORMAL_CIRCUIT_CONGESTION':
    case 'NETWORK_OUT_OF_ORDER':
    case 'NORMAL_TEMPORARY_FAILURE':
    case 'SWITCH_CONGESTION':
    case 'GATEWAY_DOWN':
      return 503;
    case 'OUTGOING_CALL_BARRED':
    case 'INCOMING_CALL_BARRED':
    case 'BEARERCAPABILITY_NOTAUTH':
      return 403;
    case 'BEARERCAPABILITY_NOTAVAIL':
      return 503;
    case 'BEARERCAPABILITY_NOTIMPL':
    case 'INCOMPATIBLE_DESTINATION':
      return 488;
    case 'FACILITY_NOT_IMPLEMENTED':
    case 'SERVICE_NOT_IMPLEMENTED':
      return 501;
    case 'RECOVERY_ON_TIMER_EXPIRE':
      return 504;
    case 'ORIGINATOR_CANCEL':
      return 487;
    case 'EXCHANGE_ROUTING_ERROR':
      return 483;
    case 'BUSY_EVERYWHERE':
      return 600;
    case 'DECLINE':
    case 'REJECT_ALL':
      return 603;
    case 'DOES_NOT_EXIST_ANYWHERE':
      return 604;
    case 'NOT_ACCEPTABLE':
      return 606;
    case 'UNWANTED':
      return 607;
    case 'NO_IDENTITY':
      return 428;
    case 'BAD_IDENTITY_INFO':
      return 429;
    case 'UNSUPPORTED_CERTIFICATE':
      return 437;
    case 'INVALID_IDENTITY':
      return 438;
    case 'STALE_DATE':
      return 403;
    default:
      return 480;
  }
}

/** sofia_glue.c sofia_glue_sip_cause_to_freeswitch (RFC 4497 8.4.4). */
export function sipCauseToFreeswitch(status: number): CauseName {
  switch (status) {
    case 200:
      return 'NORMAL_CLEARING';
    case 401:
    case 402:
    case 403:
    case 407:
    case 603:
    case 608:
      return 'CALL_REJECTED';
    case 607:
      return 'UNWANTED';
    case 404:
      return 'UNALLOCATED_NUMBER';
    case 485:
    case 604:
      return 'NO_ROUTE_DESTINATION';
    case 408:
    case 504:
      return 'RECOVERY_ON_TIMER_EXPIRE';
    case 410:
      return 'NUMBER_CHANGED';
    case 413:
    case 414:
    case 416:
    case 420:
    case 421:
    case 423:
    case 505:
    case 513:
      return 'INTERWORKING';
    case 480:
      return 'NO_USER_RESPONSE';
    case 400:
    case 481:
    case 500:
    case 503:
      return 'NORMAL_TEMPORARY_FAILURE';
    case 486:
    case 600:
      return 'USER_BUSY';
    case 484:
      return 'INVALID_NUMBER_FORMAT';
    case 488:
    case 606:
      return 'INCOMPATIBLE_DESTINATION';
    case 502:
      return 'NETWORK_OUT_OF_ORDER';
    case 405:
      return 'SERVICE_UNAVAILABLE';
    case 406:
    case 415:
    case 501:
      return 'SERVICE_NOT_IMPLEMENTED';
    case 482:
    case 483:
      return 'EXCHANGE_ROUTING_ERROR';
    case 487:
      return 'ORIGINATOR_CANCEL';
    case 428:
      return 'NO_IDENTITY';
    case 429:
      return 'BAD_IDENTITY_INFO';
    case 437:
      return 'UNSUPPORTED_CERTIFICATE';
    case 438:
      return 'INVALID_IDENTITY';
    default:
      return 'NORMAL_UNSPECIFIED';
  }
}
