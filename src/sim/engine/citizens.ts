// Citizens calling in: an inbound leg from a trunk as mod_sofia would create it (caller profile,
// sip_* variables, the Diversion header of a forwarded hotline number, the address the INVITE
// came from, the gateway named in its request URI), then the session routes it through the
// dialplan. The caller's own behaviour (digits pressed, hanging up) is driven by timers from
// the moment the call is placed.
import type { Channel } from './channel.js';
import type { Core } from './core.js';
import { hangup, newChannel } from './lifecycle.js';
import { startSession } from './session-loop.js';

export interface PlaceCall {
  from: string;
  to: string;
  /** the number the carrier forwarded from (a direct-integration hotline), sent as a Diversion header */
  diversion?: string;
  /** the trunk (one of our sofia gateways) the call arrives on; the carrier's when absent */
  gateway?: string;
  /** the address the INVITE comes from; the trunk's address when absent */
  network?: string;
  /** digits the caller presses, at seconds after the call is placed (lost while no media flows) */
  dtmf?: Array<{ at_s: number; digits: string }>;
  /** the caller hangs up this many seconds after placing the call */
  hangupAfterS?: number;
  /** the caller gives up if not bridged to anyone this many seconds after placing the call */
  patienceS?: number;
  uuid?: string;
}

/** The far end of one of our gateways, as far as an inbound call from it shows. */
export interface InboundTrunk {
  /** the source address of its INVITEs (sofia's network_ip) */
  address: string;
  /**
   * our gateway registers with it, so it sends INVITEs to the registration contact
   * `sip:gw+<name>@…` (sofia.c config_sofia_profile_gateways builds that contact); an IP trunk
   * without registration sends them to the dialled number
   */
  registers: boolean;
}

/** The carrier's signalling address as FreeSWITCH sees it. */
const CARRIER_IP = '10.10.10.1';

/** Both gateways of routing.yaml as IP trunks without registration, as the carrier and the 110 link are. */
export const DEFAULT_TRUNKS: Readonly<Record<string, InboundTrunk>> = {
  'telecom-trunk': { address: CARRIER_IP, registers: false },
  'police-110': { address: '10.20.30.1', registers: false },
};

/**
 * sofia.c sofia_handle_sip_i_invite: the source address of the packet (sofia_glue_get_addr)
 * becomes `sip_network_ip`, `sip_received_ip` (with the Via) and the caller profile's
 * network_addr; `sip_gateway` is set only when the request URI's user is `gw+<name>` (or it has a
 * `gw=<name>` parameter) and that gateway exists. Such a call then goes to the gateway's
 * `extension`; the simulator routes it by the To user, as `extension=auto_to_user` does.
 */
export function placeCall(core: Core, call: PlaceCall, trunks: Readonly<Record<string, InboundTrunk>> = DEFAULT_TRUNKS): Channel {
  const trunk = call.gateway === undefined ? { address: CARRIER_IP, registers: false } : trunks[call.gateway];
  if (!trunk) throw new RangeError(`placeCall: no trunk named ${JSON.stringify(call.gateway)} (known: ${Object.keys(trunks).join(', ')})`);
  const source = call.network ?? trunk.address;
  const local = core.globals.get('local_ip_v4') ?? '127.0.0.1';
  const requestUser = trunk.registers ? `gw+${call.gateway}` : call.to;
  const vars = inboundSipVars(core, { from: call.from, to: call.to, source, local, requestUser, profile: 'external' });
  if (trunk.registers) vars.push(['sip_gateway', call.gateway!]);
  if (call.diversion) vars.push(['sip_h_Diversion', `<sip:${call.diversion}@${source}>;reason=unconditional`]);
  const ch = newChannel(core, {
    direction: 'inbound',
    name: `sofia/external/${call.from}@${source}`,
    uuid: call.uuid,
    profile: {
      username: call.from,
      dialplan: 'XML',
      callerIdName: call.from,
      callerIdNumber: call.from,
      origCallerIdName: call.from,
      origCallerIdNumber: call.from,
      networkAddr: source,
      ani: call.from,
      destinationNumber: call.to,
      source: 'mod_sofia',
      context: 'public',
    },
    vars,
  });
  startSession(core, ch);
  driveCaller(core, ch, call);
  return ch;
}

/** The sip_* variables sofia_handle_sip_i_invite sets on an inbound leg, for a call from `source` to `to`. */
export function inboundSipVars(
  core: Core,
  c: { from: string; to: string; source: string; local: string; requestUser: string; profile: string },
): Array<[string, string]> {
  return [
    ['sip_from_user', c.from],
    ['sip_from_uri', `${c.from}@${c.source}`],
    ['sip_from_host', c.source],
    ['sip_to_user', c.to],
    ['sip_to_uri', `${c.to}@${c.local}`],
    ['sip_to_host', c.local],
    ['sip_req_user', c.requestUser],
    ['sip_req_uri', `${c.requestUser}@${c.local}:5080`],
    ['sip_req_host', c.local],
    ['sip_network_ip', c.source],
    ['sip_network_port', '5060'],
    ['sip_received_ip', c.source],
    ['sip_received_port', '5060'],
    ['sip_via_protocol', 'udp'],
    ['sofia_profile_name', c.profile],
    ['recovery_profile_name', c.profile],
    ['sip_call_id', `${Math.floor(core.now())}-${c.from}@${c.source}`],
  ];
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
