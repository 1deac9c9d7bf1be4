// One call leg as FreeSWITCH keeps it (switch_channel_t plus its caller profile): states,
// flags, variables, DTMF, the private message queue fed by sendmsg, and the bridge link.
// Plain data with small invariants; what happens to a channel (answer, hangup, apps) lives
// in lifecycle.ts and apps/, which also fire the events.
import type { CauseName } from './causes.js';
import type { ProfileTimes } from '../events/index.js';
import { Waker } from './waker.js';

/** switch_channel_state_t, in enum order (the index is Channel-State-Number). */
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
] as const;
export type ChannelState = (typeof CHANNEL_STATES)[number];

/** switch_channel_callstate_t, in enum order (the index is Channel-Call-State-Number). */
export const CALL_STATES = ['DOWN', 'DIALING', 'RINGING', 'EARLY', 'ACTIVE', 'HELD', 'RING_WAIT', 'HANGUP', 'UNHELD'] as const;
export type CallState = (typeof CALL_STATES)[number];

export type Direction = 'inbound' | 'outbound';

/** switch_channel_timetable_t, in microseconds; 0 until the moment happens. One type with the events' snapshot. */
export type { ProfileTimes };

/** switch_caller_profile_t: what becomes the Caller-* (and Other-Leg-*) headers. */
export interface CallerProfile {
  direction: Direction;
  logicalDirection: Direction;
  username: string;
  dialplan: string;
  callerIdName: string;
  callerIdNumber: string;
  origCallerIdName: string;
  origCallerIdNumber: string;
  calleeIdName: string;
  calleeIdNumber: string;
  networkAddr: string;
  ani: string;
  aniii: string;
  destinationNumber: string;
  uuid: string;
  source: string;
  transferSource: string;
  context: string;
  rdnis: string;
  channelName: string;
  profileIndex: number;
  times: ProfileTimes;
}

/** The peer's profile as this leg last saw it (switch_caller_profile originator/originatee copy). */
export interface OtherLeg {
  type: 'originator' | 'originatee';
  profile: CallerProfile;
}

export interface Dtmf {
  digit: string;
  /** samples at 8 kHz */
  duration: number;
}

/** A sendmsg (or uuid_broadcast) waiting in the session's private event queue. */
export interface PrivateMessage {
  headers: Array<[string, string]>;
  body?: string;
}

/** The bridge this leg is in, seen from this leg. */
export interface BridgeLink {
  peer: Channel;
  /** the leg that ran `bridge` (or the first uuid of uuid_bridge): CF_BRIDGE_ORIGINATOR */
  originator: boolean;
  /** how it ends: the bridge app returns on the originator; uuid_bridge legs just drop back */
  kind: 'app' | 'uuid';
  /** resolved when the bridge ends, for whoever waits on it */
  ended: Promise<void>;
  end(): void;
}

/** One half of a call the switch places to itself, seen from this leg. */
export interface LegPair {
  peer: Channel;
  /** 'loopback': mod_loopback's two legs; 'sip': a gateway leg and the inbound leg it makes on a profile of this switch */
  kind: 'loopback' | 'sip';
  /** this is the leg that was originated (loopback -a, the gateway leg); the peer runs the dialplan */
  outbound: boolean;
}

/** Channel flags the engine consults (switch_channel_flag_t names). */
export type ChannelFlag =
  | 'CF_BREAK'
  | 'CF_TRANSFER'
  | 'CF_CONTROLLED'
  | 'CF_PARK'
  | 'CF_EVENT_LOCK'
  | 'CF_HOLD'
  | 'CF_BROADCAST'
  | 'CF_STOP_BROADCAST'
  | 'CF_DIALPLAN'
  | 'CF_REDIRECT'
  | 'CF_TIMESTAMP_SET'
  /** the extension was replaced while it ran (exec_after_bridge_app): start it over when the app returns */
  | 'CF_RESET';

export const emptyTimes = (): ProfileTimes => ({
  profileCreated: 0,
  created: 0,
  answered: 0,
  progress: 0,
  progressMedia: 0,
  hungup: 0,
  transferred: 0,
  resurrected: 0,
  bridged: 0,
  lastHold: 0,
  holdAccum: 0,
});

export class Channel {
  state: ChannelState = 'CS_NEW';
  /** what the session thread last ran (Channel-State shows this, Channel-State-Number shows `state`) */
  runningState: ChannelState = 'CS_NEW';
  callState: CallState = 'DOWN';
  answered = false;
  earlyMedia = false;
  ringReady = false;
  hangupCause: CauseName | null = null;
  otherLeg: OtherLeg | null = null;
  bridge: BridgeLink | null = null;
  /** current application for `show channels` (application, application_data columns) */
  application = '';
  applicationData = '';
  private readonly varMap = new Map<string, string>();
  /** the variables as one list, shared by the events fired until the next change */
  private varList: ReadonlyArray<readonly [string, string]> | null = null;
  readonly dtmf: Dtmf[] = [];
  /** digits read so far, for digits_dialed */
  readonly dtmfLog: string[] = [];
  readonly privateQueue: PrivateMessage[] = [];
  readonly appLog: Array<{ app: string; arg: string }> = [];
  readonly flags = new Set<ChannelFlag>();
  /** CF_EVENT_LOCK is a recursive flag: one count per locked message running */
  eventLocks = 0;
  /** the extension being executed and the index of its next application */
  extension: { name: string; apps: Array<{ application: string; data: string }>; next: number } | null = null;
  /** record_session / uuid_record files being "recorded": path → start (µs) */
  readonly recordings = new Map<string, number>();
  /** what the simulator itself keeps about a leg (never shown as a variable) */
  readonly sim: {
    endpoint?: string;
    agent?: string;
    talkMs?: number;
    /**
     * the outbound socket of the running `socket` app: the controller sent `connect`, the
     * connection ended, and whether the listener's end set CS_RESET (socket_resume or `resume`)
     */
    socket?: { connected: boolean; closed: boolean; reset: boolean };
    /** the citizen hung up (rather than the switch or the controller) */
    callerLeft?: boolean;
    /** the leg has been in a bridge at some point (a caller who got through stops counting patience) */
    everBridged?: boolean;
    /** an outbound leg on its first pass through ROUTING waits in CONSUME_MEDIA instead of hunting */
    originating?: boolean;
    /** the endpoint module behind the leg; absent: mod_sofia (see pairs.ts for the others) */
    tech?: 'loopback';
    /**
     * the other half of a call the switch places to itself: the twin of a loopback leg
     * (mod_loopback), or the far end of a gateway that points back at this switch (a SIP hop)
     */
    pair?: LegPair;
    /** work the endpoint does in CS_INIT once CHANNEL_CREATE is out (mod_loopback starts its -b leg) */
    onInit?: () => void;
    /** the SIP final response a `respond` fixed for the hangup (mod_sofia tech_pvt->respond_code) */
    respondCode?: number;
  } = {};
  /** work for CS_SOFT_EXECUTE (the originator side of uuid_bridge) */
  softExecute: (() => Promise<void>) | null = null;
  readonly waker = new Waker();
  /** Channel-HIT-Dialplan: inbound legs, and legs that were given an extension */
  hitDialplan: boolean;
  private finished!: () => void;
  /** resolves once CHANNEL_DESTROY has been fired */
  readonly destroyed = new Promise<void>((resolve) => (this.finished = resolve));

  constructor(
    readonly uuid: string,
    readonly direction: Direction,
    public name: string,
    readonly profile: CallerProfile,
  ) {
    this.hitDialplan = direction === 'inbound';
  }

  get ready(): boolean {
    return this.hangupCause === null;
  }

  /** Media flows once the leg has early media or is answered (switch_channel_media_ready). */
  get mediaReady(): boolean {
    return this.answered || this.earlyMedia;
  }

  /** Read-only: every change goes through setVar, which keeps variableList() true. */
  get vars(): ReadonlyMap<string, string> {
    return this.varMap;
  }

  /**
   * The variables in order, as every event fired shows them. One list serves all the events
   * fired until a variable changes: a call fires some sixty, most with fifty variables or more,
   * and a copy per event was only garbage.
   */
  variableList(): ReadonlyArray<readonly [string, string]> {
    return (this.varList ??= [...this.varMap]);
  }

  getVar(name: string): string | undefined {
    return this.varMap.get(name);
  }

  /**
   * switch_channel_set_variable: an empty value removes the variable; a new value goes to the
   * end of the list (channel variables are an EF_UNIQ_HEADERS event, re-added at the bottom).
   */
  setVar(name: string, value: string | undefined | null): void {
    this.varList = null;
    this.varMap.delete(name);
    if (value !== undefined && value !== null && value !== '') this.varMap.set(name, value);
  }

  /** A flag set or cleared, and the running application woken so that it re-checks. */
  flag(flag: ChannelFlag, on = true): void {
    if (on) this.flags.add(flag);
    else this.flags.delete(flag);
    this.waker.wake();
  }

  has(flag: ChannelFlag): boolean {
    return this.flags.has(flag);
  }

  queueDtmf(digits: string, duration = 2000): void {
    for (const digit of digits) this.dtmf.push({ digit, duration });
    this.waker.wake();
  }

  queueMessage(message: PrivateMessage): void {
    this.privateQueue.push(message);
    this.waker.wake();
  }

  markDestroyed(): void {
    this.finished();
  }
}
