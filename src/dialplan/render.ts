// The FreeSWITCH dialplan generated from the routing plan. Pure: the same plan and options
// give the same bytes, so the committed dialplan/ can be compared with a fresh rendering.
import type { Seat, RoutingPlan } from '../config/model.js';
import { CTI_VARS, inboundRoutes, type Condition, type InboundRoute } from './routes.js';
import { attr, commentText } from './xml-text.js';

export interface DialplanOptions {
  /** where the controller's outbound ESL listener accepts FreeSWITCH's `socket` connections */
  socket: { host: string; port: number };
}

export interface DialplanAction {
  application: string;
  data?: string;
}

/** The one file we generate, relative to FreeSWITCH's conf/dialplan/ (public.xml includes public/*.xml). */
export const DIALPLAN_FILE = 'public/00_cti_12345.xml';

/** First words of every generated file; also how stale generated files are told from hand-written ones. */
export const GENERATED_MARKER = 'GENERATED FILE, DO NOT EDIT BY HAND.';

/** Destination the routed extensions transfer to when the controller is unreachable or drops the call. */
export const FALLBACK_EXTENSION = 'cti_fallback';

/** Rounds of "ring every seat, then ask the caller to hold" before giving up. */
export const FALLBACK_ROUNDS = 3;

/** How long each seat rings in one round, in seconds. */
export const SEAT_RING_S = 20;

/** Fallback prompts, relative to FreeSWITCH's sounds_dir; ivr-prompts/cti/ is installed there. */
export const FALLBACK_PROMPTS = {
  fallback: 'cti/fallback.wav',
  hold: 'cti/please-hold.wav',
  sorry: 'cti/sorry.wav',
} as const;

/**
 * Seconds mod_event_socket waits for an outbound controller's first command before it ends the
 * listener (mod_event_socket.c listener_run: read_packet(listener, &ievent, 25)); not settable.
 */
export const OUTBOUND_FIRST_PACKET_S = 25;

/** China's ringback tone (450 Hz, 1 s on, 4 s off), the same as vanilla vars.xml's cn-ring. */
export const CHINA_RINGBACK = '%(1000,4000,450)';

export function renderDialplan(plan: RoutingPlan, opts: DialplanOptions): Map<string, string> {
  return new Map([[DIALPLAN_FILE, renderPublicFile(plan, opts)]]);
}

function renderPublicFile(plan: RoutingPlan, opts: DialplanOptions): string {
  const socketData = socketAddress(opts.socket);
  const extensions = [
    extensionXml({
      name: FALLBACK_EXTENSION,
      note: 'fallback: the controller is unreachable or dropped the call (see the header)',
      condition: { field: 'destination_number', expression: `^${FALLBACK_EXTENSION}$` },
      actions: fallbackActions(plan.seats),
    }),
    ...inboundRoutes(plan).map((r) => extensionXml({ name: r.name, note: r.note, condition: r.condition, actions: routedActions(r, socketData) })),
  ];
  // The XML declaration and <include> stand on lines of their own: FreeSWITCH's preprocessor
  // drops exactly those lines, and xmllint needs them.
  return ['<?xml version="1.0" encoding="UTF-8"?>', header(plan), '<include>', ...extensions, '</include>', ''].join('\n');
}

/** `host:port async full`: async so DTMF and events flow while commands run; full for api/event commands. */
function socketAddress(socket: DialplanOptions['socket']): string {
  const { host, port } = socket;
  if (!host || /\s/.test(host)) throw new RangeError(`dialplan socket host must be a host name or address, got ${JSON.stringify(host)}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`dialplan socket port must be 1-65535, got ${port}`);
  return `${host}:${port} async full`;
}

function routedActions(route: InboundRoute, socketData: string): DialplanAction[] {
  const { mode, origin, department, priority } = route.tags;
  return [
    set(CTI_VARS.mode, mode),
    set(CTI_VARS.origin, origin),
    set(CTI_VARS.department, department),
    set(CTI_VARS.priority, String(priority)),
    set('socket_resume', 'true'),
    { application: 'socket', data: socketData },
    { application: 'transfer', data: `${FALLBACK_EXTENSION} XML public` },
  ];
}

function fallbackActions(seats: readonly Seat[]): DialplanAction[] {
  const round: DialplanAction[] = [];
  if (seats.length > 0) round.push({ application: 'bridge', data: ringAllSeats(seats) });
  round.push(playback(FALLBACK_PROMPTS.hold));
  return [
    { application: 'answer' },
    playback(FALLBACK_PROMPTS.fallback),
    // left from a consult's uuid_bridge it would park the caller after the seat's talk, for ever:
    // it takes precedence over hangup_after_bridge (switch_ivr_bridge.c ~1931; the explorer found it)
    { application: 'unset', data: 'park_after_bridge' },
    set('hangup_after_bridge', 'true'),
    set('continue_on_fail', 'true'),
    set('transfer_ringback', CHINA_RINGBACK),
    ...Array.from({ length: FALLBACK_ROUNDS }, () => round).flat(),
    playback(FALLBACK_PROMPTS.sorry),
    { application: 'hangup', data: 'NORMAL_TEMPORARY_FAILURE' },
  ];
}

/**
 * Every seat at once; the first to answer takes the call. leg_timeout bounds each round;
 * ignore_early_media keeps our ringback instead of one phone's early media.
 */
function ringAllSeats(seats: readonly Seat[]): string {
  const legs = seats.map((s) => `user/${s.id}@\${domain_name}`).join(',');
  return `{leg_timeout=${SEAT_RING_S},ignore_early_media=true}${legs}`;
}

function set(name: string, value: string): DialplanAction {
  // `set name=` with nothing after `=` unsets the variable, which the controller reads as empty.
  return { application: 'set', data: `${name}=${value}` };
}

function playback(prompt: string): DialplanAction {
  // An absolute path: a relative one would be resolved against sound_prefix (vanilla: en/us/callie).
  return { application: 'playback', data: `\${sounds_dir}/${prompt}` };
}

interface ExtensionSpec {
  name: string;
  note: string;
  condition: Condition;
  actions: DialplanAction[];
}

function extensionXml(x: ExtensionSpec): string {
  const actions = x.actions.map((a) =>
    a.data === undefined
      ? `      <action application="${attr(a.application)}"/>`
      : `      <action application="${attr(a.application)}" data="${attr(a.data)}"/>`,
  );
  return [
    '',
    `  <!-- ${commentText(x.note)} -->`,
    `  <extension name="${attr(x.name)}">`,
    `    <condition field="${attr(x.condition.field)}" expression="${attr(x.condition.expression)}">`,
    ...actions,
    '    </condition>',
    '  </extension>',
  ].join('\n');
}

function header(plan: RoutingPlan): string {
  return [
    '<!--',
    `  ${GENERATED_MARKER}`,
    '  Generated from config/routing.yaml by `npx cti gen-dialplan`. Edit the YAML, then run the',
    '  command again; the test suite fails when this file and the configuration disagree.',
    `  Centre: ${commentText(`${plan.centre.number} ${plan.centre.name}`)}`,
    '',
    '  Install: FreeSWITCH conf/dialplan/public/ (the stock public.xml includes public/*.xml, and',
    '  the 00_ prefix puts this file first there). The prompts of ivr-prompts/cti/ go to',
    '  ${sounds_dir}/cti/ on the FreeSWITCH box.',
    '',
    '  FreeSWITCH runs the FIRST extension whose condition matches, so the order is the routing:',
    '    cti_fallback            only the internal destination "cti_fallback" (no trunk sends it);',
    '                            first because `transfer` hunts the context again from the top,',
    '                            where the 110 extension would catch a 110 caller once more',
    '    cti_110_diversion_*     110 platform, by caller ID, then by the address the INVITE came',
    '                            from (network_addr: holds for an IP trunk), then by the gateway',
    "                            ${sip_gateway} (set only for INVITEs to a registered gateway's contact)",
    '    cti_main_*              the centre number',
    '    cti_direct_*            direct hotlines, tagged with their number and department',
    '    cti_parallel_*          parallel hotlines (the controller checks the department hours)',
    '    cti_unknown             anything else',
    '  Emergency and linkage numbers are transfer targets only: dialled inbound they reach cti_unknown.',
    '',
    '  Each routed extension sets cti_mode, cti_origin_hotline, cti_department and cti_priority',
    '  (`set name=` with no value unsets it: the controller reads that as empty), then',
    '  socket_resume=true, then hands the call to the controller with `socket`.',
    '',
    '  What happens when the controller is away (mod_event_socket.c):',
    '    a connection that cannot be made (controller down, refused) logs "Socket Error!" and',
    '    socket_function returns at once, so the next action runs. When a connection drops',
    '    mid-call with socket_resume=true (read at the end of listener_run), the channel is set',
    '    to CS_RESET: whatever it runs ends (the queue music, a ringing or running bridge), the',
    '    socket app returns and the next action, `transfer cti_fallback`, runs. Nothing in',
    '    mod_event_socket hangs the channel up, so the controller must hang up or transfer every',
    '    call it is done with. During a talk with an agent or a department the controller turns',
    '    socket_resume off for that call (and sets exec_after_bridge_app), so a controller that',
    '    dies then does not cut the talk (docs/call-flow.md).',
    '    A controller that accepts the connection but never sends `connect` (it died, or hangs):',
    `    the listener ends when that connection closes, or when no command came within ${OUTBOUND_FIRST_PACKET_S} s`,
    `    (listener_run reads the first packet with a ${OUTBOUND_FIRST_PACKET_S} s limit). With socket_resume=true its end`,
    '    sets CS_RESET, so the park that follows returns at once and the next action runs; the',
    `    caller waits, unanswered, at most ${OUTBOUND_FIRST_PACKET_S} s. WITHOUT socket_resume the socket app would park the`,
    '    channel for ever (nothing is left to clear CF_CONTROLLED), so it must stay before every',
    '    `socket`. park_timeout is no guard: switch_ivr_park hangs up when it expires (it never',
    "    transfers), and the first park to read it is the socket app's own park after `connect`,",
    '    so it would cut off calls the controller took.',
    '',
    `  The fallback answers, plays ${FALLBACK_PROMPTS.fallback}, then rings every seat at once for ${SEAT_RING_S} s`,
    `  (user/<id>@\${domain_name}) and asks the caller to hold, for ${FALLBACK_ROUNDS} rounds; then it`,
    '  apologises and hangs up with NORMAL_TEMPORARY_FAILURE.',
    '-->',
  ].join('\n');
}
