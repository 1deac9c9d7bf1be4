// What the engine tells the protocol half about a channel when it fires a channel event, and the
// header block FreeSWITCH builds from it:
// - switch_channel_event_set_basic_data (src/switch_channel.c ~2658): state, ids, direction,
//   answer state, hangup cause, codecs, Caller-* and Other-Leg-* profiles;
// - switch_caller_profile_event_set_data (src/switch_caller.c ~322): one profile under a prefix;
// - switch_channel_event_set_extended_data (src/switch_channel.c ~2759): variable_* headers, only
//   for the events in VARIABLE_EVENTS unless verbose events are on.
// Values are raw here; url-encoding happens when an event is serialised.

import type { Headers } from '../contracts.js';
import { VARIABLE_EVENTS } from './event-names.js';

/** switch_channel_state_t names, in enum order (src/include/switch_types.h ~1391). */
export const CHANNEL_STATES = [
  'CS_NEW', 'CS_INIT', 'CS_ROUTING', 'CS_SOFT_EXECUTE', 'CS_EXECUTE', 'CS_EXCHANGE_MEDIA', 'CS_PARK',
  'CS_CONSUME_MEDIA', 'CS_HIBERNATE', 'CS_RESET', 'CS_HANGUP', 'CS_REPORTING', 'CS_DESTROY', 'CS_NONE',
] as const;
export type ChannelStateName = (typeof CHANNEL_STATES)[number];

/** switch_channel_callstate2str names (src/switch_channel.c). */
export type CallStateName = 'DOWN' | 'DIALING' | 'RINGING' | 'EARLY' | 'ACTIVE' | 'HELD' | 'RING_WAIT' | 'HANGUP' | 'UNHELD';
export type AnswerState = 'ringing' | 'early' | 'answered' | 'hangup';
export type CallDirection = 'inbound' | 'outbound';

/** µs since the epoch; 0 for a moment that has not happened (switch_caller.c ~431). */
export interface ProfileTimes {
  profileCreated: number;
  created: number;
  answered: number;
  progress: number;
  progressMedia: number;
  hungup: number;
  transferred: number;
  resurrected: number;
  bridged: number;
  lastHold: number;
  holdAccum: number;
}

/** switch_caller_profile_t, the fields an event shows. Absent or empty text fields are left out. */
export interface CallerProfileSnapshot {
  direction: CallDirection;
  /** defaults to `direction` */
  logicalDirection?: CallDirection;
  username?: string;
  dialplan?: string;
  callerIdName?: string;
  callerIdNumber?: string;
  /** shown only when callerIdName is set (FreeSWITCH tests the wrong field; kept) */
  origCallerIdName?: string;
  /** shown only when callerIdNumber is set */
  origCallerIdNumber?: string;
  calleeIdName?: string;
  calleeIdNumber?: string;
  networkAddr?: string;
  ani?: string;
  aniii?: string;
  destinationNumber?: string;
  uuid?: string;
  source?: string;
  transferSource?: string;
  context?: string;
  rdnis?: string;
  channelName?: string;
  profileIndex?: string;
  /** missing moments are 0 */
  times?: Partial<ProfileTimes>;
  screenBit?: boolean;
  hideName?: boolean;
  hideNumber?: boolean;
}

export interface CodecSnapshot {
  name: string;
  rate: number;
  bitRate: number;
}

export interface ChannelSnapshot {
  uuid: string;
  /** e.g. "sofia/internal/1001@10.0.0.5" */
  name: string;
  /** the running state, shown as Channel-State */
  state: ChannelStateName;
  /** Channel-State-Number; FreeSWITCH prints channel->state, which can lag the running state. Default: the number of `state`. */
  stateNumber?: number;
  callState: CallStateName;
  direction: CallDirection;
  /** Channel-HIT-Dialplan; default true for inbound legs (outbound legs need CF_DIALPLAN) */
  hitDialplan?: boolean;
  externalId?: string;
  answerState: AnswerState;
  /** set once the channel has a cause, e.g. NORMAL_CLEARING */
  hangupCause?: string;
  readCodec?: CodecSnapshot;
  writeCodec?: CodecSnapshot;
  caller: CallerProfileSnapshot;
  /** the peer leg's profile: "originator" on a B-leg, "originatee" on an A-leg */
  other?: { type: 'originator' | 'originatee'; profile: CallerProfileSnapshot };
  /**
   * Channel variables in the channel's order, raw; "ARRAY::a|:b" for array variables. call_uuid,
   * presence_id and presence_data are read from here, as FreeSWITCH does.
   */
  variables: Headers;
  scopeVariables?: Headers;
  /** verbose_events: variable_* on every channel event */
  verboseEvents?: boolean;
}

const TIME_FIELDS: Array<[keyof ProfileTimes, string]> = [
  ['profileCreated', 'Profile-Created-Time'],
  ['created', 'Channel-Created-Time'],
  ['answered', 'Channel-Answered-Time'],
  ['progress', 'Channel-Progress-Time'],
  ['progressMedia', 'Channel-Progress-Media-Time'],
  ['hungup', 'Channel-Hangup-Time'],
  ['transferred', 'Channel-Transfer-Time'],
  ['resurrected', 'Channel-Resurrect-Time'],
  ['bridged', 'Channel-Bridged-Time'],
  ['lastHold', 'Channel-Last-Hold'],
  ['holdAccum', 'Channel-Hold-Accum'],
];

/** Text fields in the order switch_caller_profile_event_set_data writes them (each only when non-empty). */
const TEXT_FIELDS: Array<[keyof CallerProfileSnapshot, string]> = [
  ['username', 'Username'],
  ['dialplan', 'Dialplan'],
  ['callerIdName', 'Caller-ID-Name'],
  ['callerIdNumber', 'Caller-ID-Number'],
];

const LATER_TEXT_FIELDS: Array<[keyof CallerProfileSnapshot, string]> = [
  ['calleeIdName', 'Callee-ID-Name'],
  ['calleeIdNumber', 'Callee-ID-Number'],
  ['networkAddr', 'Network-Addr'],
  ['ani', 'ANI'],
  ['aniii', 'ANI-II'],
  ['destinationNumber', 'Destination-Number'],
  ['uuid', 'Unique-ID'],
  ['source', 'Source'],
  ['transferSource', 'Transfer-Source'],
  ['context', 'Context'],
  ['rdnis', 'RDNIS'],
  ['channelName', 'Channel-Name'],
  ['profileIndex', 'Profile-Index'],
];

function textFields(profile: CallerProfileSnapshot, prefix: string, fields: Array<[keyof CallerProfileSnapshot, string]>): Headers {
  const out: Headers = [];
  for (const [key, suffix] of fields) {
    const value = profile[key];
    if (typeof value === 'string' && value !== '') out.push([`${prefix}-${suffix}`, value]);
  }
  return out;
}

/** The original caller id is shown under the test of the current one (switch_caller.c ~351). */
function origCallerIdFields(profile: CallerProfileSnapshot, prefix: string): Headers {
  const out: Headers = [];
  if (profile.callerIdName && profile.origCallerIdName !== undefined) {
    out.push([`${prefix}-Orig-Caller-ID-Name`, profile.origCallerIdName]);
  }
  if (profile.callerIdNumber && profile.origCallerIdNumber !== undefined) {
    out.push([`${prefix}-Orig-Caller-ID-Number`, profile.origCallerIdNumber]);
  }
  return out;
}

function flag(value: boolean | undefined): string {
  return value ? 'true' : 'false';
}

/** One caller profile under a prefix ("Caller", "Other-Leg", or "Channel" in CHANNEL_DATA). */
export function callerProfileHeaders(profile: CallerProfileSnapshot, prefix: string): Headers {
  const times = profile.times ?? {};
  return [
    [`${prefix}-Direction`, profile.direction],
    [`${prefix}-Logical-Direction`, profile.logicalDirection ?? profile.direction],
    ...textFields(profile, prefix, TEXT_FIELDS),
    ...origCallerIdFields(profile, prefix),
    ...textFields(profile, prefix, LATER_TEXT_FIELDS),
    ...TIME_FIELDS.map(([key, suffix]): [string, string] => [`${prefix}-${suffix}`, String(times[key] ?? 0)]),
    [`${prefix}-Screen-Bit`, flag(profile.screenBit ?? true)],
    [`${prefix}-Privacy-Hide-Name`, flag(profile.hideName)],
    [`${prefix}-Privacy-Hide-Number`, flag(profile.hideNumber)],
  ];
}

/** A channel variable as switch_channel_get_variable returns it (unset and empty are the same). */
export function channelVariable(snapshot: Pick<ChannelSnapshot, 'variables'>, name: string): string | undefined {
  const found = snapshot.variables.find(([n]) => n === name)?.[1];
  return found === '' ? undefined : found;
}

function codecHeaders(direction: 'Read' | 'Write', codec: CodecSnapshot | undefined): Headers {
  if (!codec) return [];
  return [
    [`Channel-${direction}-Codec-Name`, codec.name],
    [`Channel-${direction}-Codec-Rate`, String(codec.rate)],
    [`Channel-${direction}-Codec-Bit-Rate`, String(codec.bitRate)],
  ];
}

function optional(name: string, value: string | undefined): Headers {
  return value === undefined ? [] : [[name, value]];
}

function identityHeaders(ch: ChannelSnapshot): Headers {
  return [
    ['Channel-State', ch.state],
    ['Channel-Call-State', ch.callState],
    ['Channel-State-Number', String(ch.stateNumber ?? CHANNEL_STATES.indexOf(ch.state))],
    ['Channel-Name', ch.name],
    ['Unique-ID', ch.uuid],
    ...optional('Session-External-ID', ch.externalId),
    ['Call-Direction', ch.direction],
    ['Presence-Call-Direction', ch.direction],
    ['Channel-HIT-Dialplan', flag(ch.hitDialplan ?? ch.direction === 'inbound')],
    ...optional('Channel-Presence-ID', channelVariable(ch, 'presence_id')),
    ...optional('Channel-Presence-Data', channelVariable(ch, 'presence_data')),
    ['Channel-Call-UUID', channelVariable(ch, 'call_uuid') ?? ch.uuid],
    ['Answer-State', ch.answerState],
    ...optional('Hangup-Cause', ch.hangupCause),
  ];
}

function otherLegHeaders(ch: ChannelSnapshot): Headers {
  if (!ch.other) return [];
  return [['Other-Type', ch.other.type], ...callerProfileHeaders(ch.other.profile, 'Other-Leg')];
}

/** switch_channel_event_set_basic_data. */
export function channelBasicHeaders(ch: ChannelSnapshot): Headers {
  return [
    ...identityHeaders(ch),
    ...codecHeaders('Read', ch.readCodec),
    ...codecHeaders('Write', ch.writeCodec),
    ...callerProfileHeaders(ch.caller, 'Caller'),
    ...otherLegHeaders(ch),
  ];
}

/** switch_channel_event_set_extended_data: scope_variable_* then variable_*, when the event carries them. */
export function channelVariableHeaders(ch: ChannelSnapshot, eventName: string): Headers {
  if (!ch.verboseEvents && !VARIABLE_EVENTS.has(eventName)) return [];
  const scoped = (ch.scopeVariables ?? []).map(([n, v]): [string, string] => [`scope_variable_${n}`, v]);
  const plain = ch.variables.map(([n, v]): [string, string] => [`variable_${n}`, v]);
  return [...scoped, ...plain];
}

/** switch_channel_event_set_data: the whole channel block of a channel event named `eventName`. */
export function channelEventHeaders(ch: ChannelSnapshot, eventName: string): Headers {
  return [...channelBasicHeaders(ch), ...channelVariableHeaders(ch, eventName)];
}

/**
 * What an outbound socket's `connect` reply carries about its channel (MES parse_command ~2029):
 * the caller profile under the prefix "Channel", then the channel block of a CHANNEL_DATA event.
 * SwitchEngine.channelData should return exactly this; the session adds the common headers in
 * front and Content-Type, Reply-Text, Socket-Mode and Control after it.
 */
export function channelDataHeaders(ch: ChannelSnapshot): Headers {
  return [...callerProfileHeaders(ch.caller, 'Channel'), ...channelEventHeaders(ch, 'CHANNEL_DATA')];
}
