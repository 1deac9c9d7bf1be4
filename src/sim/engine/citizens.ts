// Citizens calling in: an inbound leg from the carrier trunk as mod_sofia would create it
// (caller profile, sip_* variables, the Diversion header of a forwarded hotline number, the
// gateway it came through), then the session routes it through the dialplan. The caller's own
// behaviour (digits pressed, hanging up) is driven by timers from the moment the call is placed.
import type { Channel } from './channel.js';
import type { Core } from './core.js';
import { hangup, newChannel } from './lifecycle.js';
import { startSession } from './session-loop.js';

export interface PlaceCall {
  from: string;
  to: string;
  /** the number the carrier forwarded from (a direct-integration hotline), sent as a Diversion header */
  diversion?: string;
  /** the sofia gateway the call arrives on (e.g. police-110 for 110 diversion) */
  gateway?: string;
  /** digits the caller presses, at seconds after the call is placed (lost while no media flows) */
  dtmf?: Array<{ at_s: number; digits: string }>;
  /** the caller hangs up this many seconds after placing the call */
  hangupAfterS?: number;
  /** the caller gives up if not bridged to anyone this many seconds after placing the call */
  patienceS?: number;
  uuid?: string;
}

/** The carrier's signalling address as FreeSWITCH sees it. */
const CARRIER_IP = '10.10.10.1';

export function placeCall(core: Core, call: PlaceCall): Channel {
  const local = core.globals.get('local_ip_v4') ?? '127.0.0.1';
  const vars: Array<[string, string]> = [
    ['sip_from_user', call.from], ['sip_from_uri', `${call.from}@${CARRIER_IP}`], ['sip_from_host', CARRIER_IP],
    ['sip_to_user', call.to], ['sip_to_uri', `${call.to}@${local}`], ['sip_to_host', local],
    ['sip_req_user', call.to], ['sip_req_uri', `${call.to}@${local}:5080`], ['sip_req_host', local],
    ['sip_network_ip', CARRIER_IP], ['sip_network_port', '5060'], ['sip_received_ip', CARRIER_IP],
    ['sip_received_port', '5060'], ['sip_via_protocol', 'udp'], ['sofia_profile_name', 'external'],
    ['recovery_profile_name', 'external'], ['sip_call_id', `${Math.floor(core.now())}-${call.from}@${CARRIER_IP}`],
  ];
  if (call.gateway) vars.push(['sip_gateway', call.gateway]);
  if (call.diversion) vars.push(['sip_h_Diversion', `<sip:${call.diversion}@${CARRIER_IP}>;reason=unconditional`]);
  const ch = newChannel(core, {
    direction: 'inbound',
    name: `sofia/external/${call.from}@${CARRIER_IP}`,
    uuid: call.uuid,
    profile: {
      username: call.from, dialplan: 'XML', callerIdName: call.from, callerIdNumber: call.from,
      origCallerIdName: call.from, origCallerIdNumber: call.from, networkAddr: CARRIER_IP, ani: call.from,
      destinationNumber: call.to, source: 'mod_sofia', context: 'public',
    },
    vars,
  });
  startSession(core, ch);
  driveCaller(core, ch, call);
  return ch;
}

function driveCaller(core: Core, ch: Channel, call: PlaceCall): void {
  const at = (s: number, fn: () => void) => core.later(s * 1000, () => ch.ready && fn());
  for (const press of call.dtmf ?? []) at(press.at_s, () => ch.mediaReady && ch.queueDtmf(press.digits));
  // Before answer the caller's CANCEL ends the leg with ORIGINATOR_CANCEL; after it a BYE is NORMAL_CLEARING.
  const leave = () => {
    ch.sim.callerLeft = true;
    hangup(core, ch, ch.answered ? 'NORMAL_CLEARING' : 'ORIGINATOR_CANCEL');
  };
  if (call.hangupAfterS !== undefined) at(call.hangupAfterS, leave);
  if (call.patienceS !== undefined) at(call.patienceS, () => !ch.sim.everBridged && leave());
}
