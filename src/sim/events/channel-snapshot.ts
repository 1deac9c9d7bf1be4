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
  'CS_NEW',
  'CS_INIT',
  'CS_ROUTING',
  'CS_SOFT_EXECUTE',
  'CS_EXECUTE',
  'CS_EXCHANGE_MEDIA',
  'CS_PARK',
  'CS_CONSUME_MEDIA',
  'CS_HIBERNATE',
  'CS_RESET',
  'CS_HANGUP',
  'CS_REPORTING',
  'CS_DESTROY',
  'CS_NONE',
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
   * presence_id and presence_data are read from here, as FreeSWITCH does. Never changed once
   * taken: the engine shares one list among the events fired until a variable changes.
   */
  variables: ReadonlyArray<readonly [name: string, value: string]>;
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

// The builders below append to one list rather than return and spread lists of their own: a
// channel event is some two hundred headers, and a busy switch fires thousands a second.

/** A profile's header names under one prefix, made once: a busy switch writes them thousands of times a second. */
interface ProfileNames {
  direction: string;
  logicalDirection: string;
  text: string[];
  origCallerIdName: string;
  origCallerIdNumber: string;
  laterText: string[];
  times: string[];
  screenBit: string;
  hideName: string;
  hideNumber: string;
}

const namesByPrefix = new Map<string, ProfileNames>();

function profileNames(prefix: string): ProfileNames {
  let names = namesByPrefix.get(prefix);
  if (!names) {
    const name = (suffix: string) => `${prefix}-${suffix}`;
    names = {
      direction: name('Direction'),
      logicalDirection: name('Logical-Direction'),
      text: TEXT_FIELDS.map(([, suffix]) => name(suffix)),
      origCallerIdName: name('Orig-Caller-ID-Name'),
      origCallerIdNumber: name('Orig-Caller-ID-Number'),
      laterText: LATER_TEXT_FIELDS.map(([, suffix]) => name(suffix)),
      times: TIME_FIELDS.map(([, suffix]) => name(suffix)),
      screenBit: name('Screen-Bit'),
      hideName: name('Privacy-Hide-Name'),
      hideNumber: name('Privacy-Hide-Number'),
    };
    namesByPrefix.set(prefix, names);
  }
  return names;
}

function writeTextFields(out: Headers, profile: CallerProfileSnapshot, fields: Array<[keyof CallerProfileSnapshot, string]>, names: string[]): void {
  for (let i = 0; i < fields.length; i++) {
    const value = profile[fields[i]![0]];
    if (typeof value === 'string' && value !== '') out.push([names[i]!, value]);
  }
}

/** The original caller id is shown under the test of the current one (switch_caller.c ~351). */
function writeOrigCallerIdFields(out: Headers, profile: CallerProfileSnapshot, names: ProfileNames): void {
  if (profile.callerIdName && profile.origCallerIdName !== undefined) {
    out.push([names.origCallerIdName, profile.origCallerIdName]);
  }
  if (profile.callerIdNumber && profile.origCallerIdNumber !== undefined) {
    out.push([names.origCallerIdNumber, profile.origCallerIdNumber]);
  }
}

function flag(value: boolean | undefined): string {
  return value ? 'true' : 'false';
}

function writeCallerProfile(out: Headers, profile: CallerProfileSnapshot, prefix: string): void {
  const times = profile.times ?? {};
  const names = profileNames(prefix);
  out.push([names.direction, profile.direction]);
  out.push([names.logicalDirection, profile.logicalDirection ?? profile.direction]);
  writeTextFields(out, profile, TEXT_FIELDS, names.text);
  writeOrigCallerIdFields(out, profile, names);
  writeTextFields(out, profile, LATER_TEXT_FIELDS, names.laterText);
  for (let i = 0; i < TIME_FIELDS.length; i++) out.push([names.times[i]!, String(times[TIME_FIELDS[i]![0]] ?? 0)]);
  out.push([names.screenBit, flag(profile.screenBit ?? true)]);
  out.push([names.hideName, flag(profile.hideName)]);
  out.push([names.hideNumber, flag(profile.hideNumber)]);
}

/** One caller profile under a prefix ("Caller", "Other-Leg", or "Channel" in CHANNEL_DATA). */
export function callerProfileHeaders(profile: CallerProfileSnapshot, prefix: string): Headers {
  const out: Headers = [];
  writeCallerProfile(out, profile, prefix);
  return out;
}

/** A channel variable as switch_channel_get_variable returns it (unset and empty are the same). */
export function channelVariable(snapshot: Pick<ChannelSnapshot, 'variables'>, name: string): string | undefined {
  const found = snapshot.variables.find(([n]) => n === name)?.[1];
  return found === '' ? undefined : found;
}

/** presence_id, presence_data and call_uuid as channelVariable reads each, in one pass. */
function identityVariables(ch: ChannelSnapshot): { presenceId?: string; presenceData?: string; callUuid?: string } {
  let presenceId: string | undefined;
  let presenceData: string | undefined;
  let callUuid: string | undefined;
  for (const [n, v] of ch.variables) {
    if (presenceId === undefined && n === 'presence_id') presenceId = v;
    else if (presenceData === undefined && n === 'presence_data') presenceData = v;
    else if (callUuid === undefined && n === 'call_uuid') callUuid = v;
  }
  const set = (v: string | undefined) => (v === '' ? undefined : v);
  return { presenceId: set(presenceId), presenceData: set(presenceData), callUuid: set(callUuid) };
}

function writeCodec(out: Headers, direction: 'Read' | 'Write', codec: CodecSnapshot | undefined): void {
  if (!codec) return;
  out.push([`Channel-${direction}-Codec-Name`, codec.name]);
  out.push([`Channel-${direction}-Codec-Rate`, String(codec.rate)]);
  out.push([`Channel-${direction}-Codec-Bit-Rate`, String(codec.bitRate)]);
}

function writeOptional(out: Headers, name: string, value: string | undefined): void {
  if (value !== undefined) out.push([name, value]);
}

function writeIdentity(out: Headers, ch: ChannelSnapshot): void {
  const vars = identityVariables(ch);
  out.push(['Channel-State', ch.state]);
  out.push(['Channel-Call-State', ch.callState]);
  out.push(['Channel-State-Number', String(ch.stateNumber ?? CHANNEL_STATES.indexOf(ch.state))]);
  out.push(['Channel-Name', ch.name]);
  out.push(['Unique-ID', ch.uuid]);
  writeOptional(out, 'Session-External-ID', ch.externalId);
  out.push(['Call-Direction', ch.direction]);
  out.push(['Presence-Call-Direction', ch.direction]);
  out.push(['Channel-HIT-Dialplan', flag(ch.hitDialplan ?? ch.direction === 'inbound')]);
  writeOptional(out, 'Channel-Presence-ID', vars.presenceId);
  writeOptional(out, 'Channel-Presence-Data', vars.presenceData);
  out.push(['Channel-Call-UUID', vars.callUuid ?? ch.uuid]);
  out.push(['Answer-State', ch.answerState]);
  writeOptional(out, 'Hangup-Cause', ch.hangupCause);
}

function writeBasic(out: Headers, ch: ChannelSnapshot): void {
  writeIdentity(out, ch);
  writeCodec(out, 'Read', ch.readCodec);
  writeCodec(out, 'Write', ch.writeCodec);
  writeCallerProfile(out, ch.caller, 'Caller');
  if (ch.other) {
    out.push(['Other-Type', ch.other.type]);
    writeCallerProfile(out, ch.other.profile, 'Other-Leg');
  }
}

/** Whether an event of this name shows the channel's variables (switch_channel_event_set_extended_data). */
export function carriesVariables(ch: Pick<ChannelSnapshot, 'verboseEvents'>, eventName: string): boolean {
  return ch.verboseEvents === true || VARIABLE_EVENTS.has(eventName);
}

function writeVariables(out: Headers, ch: ChannelSnapshot, eventName: string): void {
  if (!carriesVariables(ch, eventName)) return;
  for (const [n, v] of ch.scopeVariables ?? []) out.push([`scope_variable_${n}`, v]);
  for (const [n, v] of ch.variables) out.push([`variable_${n}`, v]);
}

/** switch_channel_event_set_basic_data. */
export function channelBasicHeaders(ch: ChannelSnapshot): Headers {
  const out: Headers = [];
  writeBasic(out, ch);
  return out;
}

/** switch_channel_event_set_extended_data: scope_variable_* then variable_*, when the event carries them. */
export function channelVariableHeaders(ch: ChannelSnapshot, eventName: string): Headers {
  const out: Headers = [];
  writeVariables(out, ch, eventName);
  return out;
}

/** switch_channel_event_set_data: the whole channel block of a channel event named `eventName`. */
export function channelEventHeaders(ch: ChannelSnapshot, eventName: string): Headers {
  const out: Headers = [];
  writeBasic(out, ch);
  writeVariables(out, ch, eventName);
  return out;
}

/**
 * What an outbound socket's `connect` reply carries about its channel (MES parse_command ~2029):
 * the caller profile under the prefix "Channel", then the channel block of a CHANNEL_DATA event.
 * SwitchEngine.channelData should return exactly this; the session adds the common headers in
 * front and Content-Type, Reply-Text, Socket-Mode and Control after it.
 */
export function channelDataHeaders(ch: ChannelSnapshot): Headers {
  const out: Headers = [];
  writeCallerProfile(out, ch.caller, 'Channel');
  writeBasic(out, ch);
  writeVariables(out, ch, 'CHANNEL_DATA');
  return out;
}
