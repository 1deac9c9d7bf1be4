// "Paste the events, replay": a production call's ESL events turned into explorer traffic
// (traffic.ts), so that what a caller did in production is played through the simulator and
// the controller under the virtual clock and checked by the invariants (docs/explorer.md).
//
// The input is what an operator has at hand: event frames as FreeSWITCH sends them
// (`Content-Length` / `Content-Type: text/event-plain` then the url-encoded header block; also
// text/event-json frames and the unframed CHANNEL_DATA of an outbound socket), bare event blocks
// without the outer frame (fs_cli's `/event plain` output), or the events as JSON objects (one a
// line, a JSON array, or pretty-printed one after another). Frames are read with our own parser
// (src/esl), so a capture is read the way the controller reads the switch.
//
// From the events: one call per citizen's channel (who, to which number, the keys pressed and
// when, when they hung up), each seat's and each department's behaviour as observed (answer
// delays and talk times in the order seen, declines, busy, not registered, early media). What the
// events do not show is not replayed, and the notes say so: what agents did on the desktop
// (transfers, hold, breaks), and any fault.
import type { RoutingPlan } from '../../src/config/index.js';
import { ipv4NetworkPattern } from '../../src/dialplan/network-pattern.js';
import type { EslEvent } from '../../src/esl/event.js';
import { decodeJsonEvent, eventFromHeaderBlock } from '../../src/esl/event-decode.js';
import { FrameError } from '../../src/esl/frame-error.js';
import { FrameParser } from '../../src/esl/frame-parser.js';
import { findBlockEnd, innerContentLength } from '../../src/esl/header-block.js';
import { toMessage } from '../../src/esl/message.js';
import { maskedNumber } from '../../src/logging.js';
import { divertedHotline } from '../../src/routing/index.js';
import type { AgentBehaviour, Delay, HotlineBehaviour } from '../../src/sim/engine/index.js';
import type { CallItem, Traffic } from './traffic.js';

/** The first call is placed this long after the run starts, as generated traffic's is (about). */
const FIRST_CALL_AT_MS = 1000;
/** A caller the switch hung up (or whose end is not in the paste) hangs up by then at the latest: every call must end. */
const SWITCH_ENDED_BOUND_S = 1800;
/** A seat or department with no answer observed answers after this long. */
const DEFAULT_ANSWER_S = 5;
/** A seat with no talk observed talks this long, so that a ring it answers (the fallback's) ends. */
const DEFAULT_TALK_S = 60;
/**
 * Added to a ring that ended unanswered (the caller left, the ACD gave up): the far end had not
 * answered by then, so in the replay it answers well after, and the same side gives up first.
 * Added to a talk our side ended for the same reason: the far end would have talked on.
 */
const NOT_ENDED_BY_FAR_END_S = 60;
/** sip_hangup_disposition values that mean the citizen ended their own call. */
const CALLER_LEFT = new Set(['recv_bye', 'recv_cancel']);

export interface FromEvents {
  traffic: Traffic;
  /** what was read, what was guessed, what is not replayed; caller numbers masked */
  notes: string[];
}

export function trafficFromEvents(text: string, plan: RoutingPlan): FromEvents {
  const read = readEvents(text);
  const notes = [readingNote(read)];
  const { channels, untimed } = gather(read.events);
  if (untimed > 0) notes.push(`${untimed} event(s) without Event-Date-Timestamp were left out: their time is unknown`);
  const seats = new Set(plan.seats.map((s) => s.id));
  const roles = [...channels.values()].map((ch) => ({ ch, role: roleOf(ch, seats) }));
  const callers = roles
    .filter((r) => r.role.kind === 'caller')
    .map((r) => r.ch)
    .sort((a, b) => createdUs(a) - createdUs(b));
  const items = callItems(callers, plan, notes);
  const { agents, readySeats } = seatBehaviours(plan, groupBy(roles, 'seat'), notRegisteredSeats(callers, seats), notes);
  const hotlines = hotlineBehaviours(groupBy(roles, 'department'), notes);
  notes.push(...leftOutNotes(roles));
  return { traffic: { seed: 1, items, agents, hotlines, readySeats }, notes };
}

/** What the events show but the replay leaves out. */
function leftOutNotes(roles: Array<{ ch: SeenChannel; role: Role }>): string[] {
  const notes: string[] = [];
  const legKeys = roles.filter((r) => r.role.kind !== 'caller').reduce((n, r) => n + r.ch.dtmf.length, 0);
  if (legKeys > 0)
    notes.push(
      `${legKeys} key(s) pressed on seat or department legs (an attended transfer's keys, say) are not replayed: only citizens press keys in the simulator`,
    );
  const others = roles.filter((r) => r.role.kind === 'other').length;
  if (others > 0) notes.push(`${others} other channel(s) (neither a citizen's, a seat's nor a department's) were left out`);
  notes.push(
    "not replayed: what agents did on the desktop (transfers, hold, breaks) is not in the switch's events; no faults are replayed, and the controller rings seats when it decides, not at the instants of production",
  );
  return notes;
}

// ——— reading the paste ———

export interface ReadEvents {
  events: EslEvent[];
  /** the shape of the input: frames, bare event blocks or JSON */
  form: 'frames' | 'bare blocks' | 'json';
  /** frames, blocks or objects that could not be read as an event */
  skipped: number;
  /** events read back from bytes the frame parser had to drop (a wrong Content-Length, a bare block among frames) */
  recovered: number;
}

/** Every event in the text, whatever its shape; never throws. */
export function readEvents(text: string): ReadEvents {
  // FreeSWITCH writes LF only: CRs come from the copy (a Windows terminal) and would break Content-Length
  const lf = text.replace(/\r\n/g, '\n');
  const start = lf.trimStart()[0];
  if (start === '{' || start === '[') return { form: 'json', ...jsonEvents(lf) };
  if (FRAME_START.test(lf)) return { form: 'frames', ...framedEvents(Buffer.from(lf, 'utf8')) };
  const bare = bareEvents(Buffer.from(lf, 'utf8'));
  return { form: 'bare blocks', events: bare.events, skipped: bare.junk, recovered: 0 };
}

/** An outer frame's first lines: an event's Content-Length then Content-Type, or a reply's Content-Type. */
const FRAME_START =
  /^(?:Content-Length: \d+\nContent-Type: text\/event-|Content-Type: (?:command\/reply|api\/response|auth\/request|text\/disconnect-notice))/m;

function framedEvents(bytes: Buffer): Omit<ReadEvents, 'form'> {
  const parser = new FrameParser();
  const items = [...parser.push(bytes)];
  const last = parser.end();
  if (last) items.push(last);
  const out = { events: [] as EslEvent[], skipped: 0, recovered: 0 };
  for (const item of items) {
    const m = item instanceof FrameError ? item : toMessage(item);
    if (m instanceof FrameError) recover(m, out);
    else if (m.type === 'event' || m.type === 'channel-data') out.events.push(m.event);
    // replies, api responses and notices carry no channel's story
  }
  return out;
}

/**
 * What the parser dropped may still be events: a bare block pasted among frames, a frame whose
 * Content-Length an editor made wrong. Read them when the error kept all the dropped bytes.
 */
function recover(err: FrameError, out: { events: EslEvent[]; skipped: number; recovered: number }): void {
  const bare = err.droppedBytes === err.bytes.length ? bareEvents(err.bytes) : { events: [], junk: 1 };
  out.events.push(...bare.events);
  out.recovered += bare.events.length;
  out.skipped += bare.events.length === 0 ? 1 : bare.junk;
}

/** Event header blocks one after another (fs_cli), each maybe followed by its inner body. */
function bareEvents(bytes: Buffer): { events: EslEvent[]; junk: number } {
  const data = Buffer.concat([bytes, Buffer.from('\n\n')]);
  const events: EslEvent[] = [];
  let junk = 0;
  for (let p = skipBlank(data, 0); p < data.length; p = skipBlank(data, p)) {
    const block = findBlockEnd(data, p, data.length);
    if (!block) break; // cannot happen: the two LFs appended close every block
    const header = data.subarray(p, block.blankLine);
    const event = eventFromHeaderBlock(Buffer.from(header));
    if (event.name !== '') events.push(event);
    else if (!ONLY_FRAMING.test(header.toString('utf8'))) junk++;
    p = block.after + (innerContentLength(header, header.length) ?? 0);
  }
  return { events, junk };
}

/** A block of outer frame headers only (a frame whose body was read on its own). */
const ONLY_FRAMING = /^(?:Content-[A-Za-z-]+: [^\n]*\n)+$/;

function skipBlank(data: Buffer, p: number): number {
  while (p < data.length && data[p] === 0x0a) p++;
  return p;
}

/** JSON objects one after another, in an array or not; what lies between them is counted as junk. */
function jsonEvents(text: string): Omit<ReadEvents, 'form'> {
  const { objects, junk } = jsonObjects(text);
  const events: EslEvent[] = [];
  let skipped = junk;
  for (const o of objects) {
    const e = decodeJsonEvent(Buffer.from(o, 'utf8'));
    if (typeof e === 'string') skipped++;
    else events.push(e);
  }
  return { events, skipped, recovered: 0 };
}

/** The top-level `{…}` spans of the text, strings respected; an unclosed one counts as junk. */
function jsonObjects(text: string): { objects: string[]; junk: number } {
  const objects: string[] = [];
  let junk = 0;
  let depth = 0;
  let from = 0;
  let inString = false;
  let inJunk = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"' && depth > 0) {
      inString = true;
    } else if (c === '{') {
      if (depth === 0) from = i;
      depth++;
      inJunk = false;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0) objects.push(text.slice(from, i + 1));
    } else if (depth === 0 && !/[\s,[\]]/.test(c) && !inJunk) {
      // whatever lies between two objects (a log line's prefix, a stray word) is one piece of junk
      junk++;
      inJunk = true;
    }
  }
  return { objects, junk: junk + (depth > 0 ? 1 : 0) };
}

function readingNote(r: ReadEvents): string {
  const skipped = r.skipped > 0 ? `; ${r.skipped} frame(s) or block(s) could not be read and were skipped` : '';
  const recovered = r.recovered > 0 ? `; ${r.recovered} of them read from bytes the frame parser dropped (a bare block or a wrong Content-Length)` : '';
  return `read ${r.events.length} event(s) from ${r.form}${recovered}${skipped}`;
}

// ——— what each channel did ———

/** One channel as the events show it; times in µs on the switch's clock. */
interface SeenChannel {
  uuid: string;
  name?: string;
  direction?: string;
  /** its CHANNEL_CREATE or CHANNEL_DATA was in the public context (a call from outside) */
  publicContext: boolean;
  from?: string;
  /** the first destination: the number dialled, before any dialplan transfer */
  to?: string;
  networkAddr?: string;
  diversion?: string;
  dialedUser?: string;
  firstUs: number;
  lastUs: number;
  /** from the channel's own events */
  at: { create?: number; answer?: number; hangup?: number; hangupComplete?: number };
  /** from its caller profile's Caller-Channel-*-Time headers, for a paste without those events */
  profile: { created?: number; answered?: number; hangup?: number };
  earlyMedia: boolean;
  cause?: string;
  /** sip_hangup_disposition: recv_bye when the far end hung up, send_bye when we did */
  disposition?: string;
  dtmf: Array<{ us: number; digit: string }>;
  /** this channel's bridges that ended without a leg, with the dial-string and the disposition */
  failedBridges: Array<{ data: string; disposition: string }>;
}

function gather(events: EslEvent[]): { channels: Map<string, SeenChannel>; untimed: number } {
  const timed = events.map((e, i) => ({ e, i, us: e.timestampUs })).filter((x) => x.us !== undefined);
  // pastes are not always in order (JSON from a log shipper): the switch's clock and sequence decide
  timed.sort((a, b) => a.us! - b.us! || (a.e.sequence ?? 0) - (b.e.sequence ?? 0) || a.i - b.i);
  const channels = new Map<string, SeenChannel>();
  for (const { e, us } of timed) {
    const uuid = e.uuid ?? e.get('Caller-Unique-ID');
    if (uuid === undefined) continue; // BACKGROUND_JOB, HEARTBEAT: no channel's
    let ch = channels.get(uuid);
    if (!ch)
      channels.set(uuid, (ch = { uuid, publicContext: false, firstUs: us!, lastUs: us!, at: {}, profile: {}, earlyMedia: false, dtmf: [], failedBridges: [] }));
    note(ch, e, us!);
  }
  return { channels, untimed: events.length - timed.length };
}

function note(ch: SeenChannel, e: EslEvent, us: number): void {
  ch.lastUs = us;
  ch.name ??= e.get('Channel-Name');
  ch.direction ??= e.get('Call-Direction');
  if ((e.name === 'CHANNEL_CREATE' || e.name === 'CHANNEL_DATA') && e.get('Caller-Context') === 'public') ch.publicContext = true;
  ch.from ??= e.get('Caller-Caller-ID-Number');
  ch.to ??= e.get('Caller-Destination-Number');
  ch.networkAddr ??= e.get('Caller-Network-Addr');
  ch.diversion ??= e.variable('sip_h_Diversion');
  ch.dialedUser ??= e.variable('dialed_user');
  ch.disposition = e.variable('sip_hangup_disposition') ?? ch.disposition;
  noteProfileTimes(ch, e);
  noteByName(ch, e, us);
}

function noteProfileTimes(ch: SeenChannel, e: EslEvent): void {
  ch.profile.created ??= positive(e.get('Caller-Channel-Created-Time'));
  ch.profile.answered ??= positive(e.get('Caller-Channel-Answered-Time'));
  ch.profile.hangup ??= positive(e.get('Caller-Channel-Hangup-Time'));
  if (positive(e.get('Caller-Channel-Progress-Media-Time')) !== undefined) ch.earlyMedia = true;
}

function noteByName(ch: SeenChannel, e: EslEvent, us: number): void {
  switch (e.name) {
    case 'CHANNEL_CREATE':
      ch.at.create ??= us;
      break;
    case 'CHANNEL_ANSWER':
      ch.at.answer ??= us;
      break;
    case 'CHANNEL_PROGRESS_MEDIA':
      ch.earlyMedia = true;
      break;
    case 'CHANNEL_HANGUP':
      ch.at.hangup ??= us;
      ch.cause ??= e.hangupCause;
      break;
    case 'CHANNEL_HANGUP_COMPLETE':
      ch.at.hangupComplete ??= us;
      ch.cause ??= e.hangupCause;
      break;
    case 'DTMF':
      if (e.dtmfDigit) ch.dtmf.push({ us, digit: e.dtmfDigit });
      break;
    case 'CHANNEL_EXECUTE_COMPLETE':
      if (e.application === 'bridge') noteBridgeEnd(ch, e);
      break;
  }
}

/** A bridge to an unregistered softphone makes no leg: only the caller's completion tells. */
function noteBridgeEnd(ch: SeenChannel, e: EslEvent): void {
  const disposition = e.variable('originate_disposition') ?? e.applicationResponse ?? '';
  if (disposition === 'USER_NOT_REGISTERED') ch.failedBridges.push({ data: e.applicationData ?? '', disposition });
}

function positive(v: string | undefined): number | undefined {
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}

const createdUs = (ch: SeenChannel) => ch.at.create ?? ch.profile.created ?? ch.firstUs;
const answeredUs = (ch: SeenChannel) => ch.at.answer ?? ch.profile.answered;
const hungUpUs = (ch: SeenChannel) => ch.at.hangup ?? ch.profile.hangup ?? ch.at.hangupComplete;
const round1 = (x: number) => Math.round(x * 10) / 10;
const secondsBetween = (fromUs: number, toUs: number) => Math.max(0, round1((toUs - fromUs) / 1e6));

// ——— whose channel it is ———

type Role = { kind: 'caller' } | { kind: 'seat'; id: string } | { kind: 'department'; id: string } | { kind: 'other' };

/**
 * Call-Direction decides first: a leg the switch placed copies its caller's profile, public
 * context included, so the context says "citizen" only when the direction is not in the paste.
 * A loopback leg is the switch calling itself, never a citizen.
 */
function roleOf(ch: SeenChannel, seats: ReadonlySet<string>): Role {
  const name = ch.name ?? '';
  if (name.startsWith('loopback/')) return { kind: 'other' };
  if (ch.direction === 'inbound' || (ch.direction === undefined && ch.publicContext)) return { kind: 'caller' };
  const gateway = /^sofia\/gateway\/[^/]+\/([^@]+)/.exec(name);
  if (gateway) return { kind: 'department', id: gateway[1]! };
  const user = /^sofia\/[^/]+\/(?:sips?:)?([^@/]+)@/.exec(name)?.[1];
  const seat = [user, ch.dialedUser, ch.to].find((id) => id !== undefined && seats.has(id));
  return seat ? { kind: 'seat', id: seat } : { kind: 'other' };
}

function groupBy(roles: Array<{ ch: SeenChannel; role: Role }>, kind: 'seat' | 'department'): Map<string, SeenChannel[]> {
  const out = new Map<string, SeenChannel[]>();
  for (const { ch, role } of roles) {
    if (role.kind !== kind) continue;
    out.set(role.id, [...(out.get(role.id) ?? []), ch]);
  }
  for (const legs of out.values()) legs.sort((a, b) => createdUs(a) - createdUs(b));
  return out;
}

// ——— the citizens' calls ———

function callItems(callers: SeenChannel[], plan: RoutingPlan, notes: string[]): CallItem[] {
  if (callers.length === 0) {
    notes.push("no citizen's call found (no inbound channel, no CHANNEL_CREATE or CHANNEL_DATA in the public context): nothing to replay");
    return [];
  }
  const t0 = createdUs(callers[0]!);
  const police = policeNetworks(plan);
  return callers.map((ch, index) => callItem(ch, index, t0, plan, police, notes));
}

function callItem(ch: SeenChannel, index: number, t0: number, plan: RoutingPlan, police: RegExp | null, notes: string[]): CallItem {
  const created = createdUs(ch);
  const item: CallItem = {
    id: `c${index}`,
    kind: 'call',
    index,
    atMs: FIRST_CALL_AT_MS + Math.round((created - t0) / 1000),
    from: ch.from ?? 'anonymous',
    to: ch.to ?? plan.centre.number,
    dtmf: ch.dtmf.map((d) => ({ at_s: secondsBetween(created, d.us), digits: d.digit })),
  };
  const diversion = diversionNumber(ch.diversion, plan);
  if (diversion) item.diversion = diversion;
  if (ch.networkAddr && police?.test(ch.networkAddr)) item.network = ch.networkAddr;
  const end = callerHangup(ch, item.id, notes);
  item.hangupAfterS = end.afterS;
  notes.push(callNote(item, end.left));
  if (plan.policeDiversion.callerNumbers.includes(item.from)) {
    notes.push(
      `${item.id}: a 110 call recognised by its caller number; the explorer's expected route knows the 110 platform by its network only, so routedAsDialled may report it`,
    );
  }
  return item;
}

/** When the citizen hung up; or the bound, with a note, when the switch ended the call or its end is not in the paste. */
function callerHangup(ch: SeenChannel, id: string, notes: string[]): { afterS: number; left: boolean } {
  const ended = hungUpUs(ch);
  const left = CALLER_LEFT.has(ch.disposition ?? '') || ch.cause === 'ORIGINATOR_CANCEL';
  if (ended !== undefined && left) return { afterS: secondsBetween(createdUs(ch), ended), left: true };
  const after = ended === undefined ? 0 : secondsBetween(createdUs(ch), ended);
  const cause = ch.cause ?? 'cause unknown';
  const why =
    ended === undefined
      ? 'its end is not in the events'
      : ch.disposition
        ? `the switch ended it (${cause}, ${ch.disposition}) after ${after} s`
        : `it ended (${cause}) after ${after} s with no sip_hangup_disposition to say the caller hung up: taken as the switch's doing`;
  notes.push(`${id}: ${why}; the replayed caller hangs up after ${SWITCH_ENDED_BOUND_S} s at the latest`);
  return { afterS: SWITCH_ENDED_BOUND_S, left: false };
}

function callNote(item: CallItem, left: boolean): string {
  const via = [item.diversion ? `forwarded from ${item.diversion}` : '', item.network ? `from the 110 platform's network ${item.network}` : '']
    .filter(Boolean)
    .join(', ');
  const keys = item.dtmf.length > 0 ? `keys ${item.dtmf.map((d) => `${d.digits}@${d.at_s}s`).join(' ')}` : 'no keys';
  const end = left ? `hung up after ${item.hangupAfterS} s` : 'ended by the switch or not seen to end';
  // masked as the logs mask caller numbers; a word (anonymous) is no number
  const from = /^\+?\d+$/.test(item.from) ? maskedNumber(item.from) : item.from;
  return `${item.id}: ${from} → ${item.to}${via ? ` (${via})` : ''} at +${(item.atMs - FIRST_CALL_AT_MS) / 1000} s, ${keys}, ${end}`;
}

/**
 * The number in the Diversion header: the hotline of ours it names when it names one (so the
 * explorer's expected route, which looks the number up as it is, agrees with the controller's,
 * which strips +86 and area codes), else its digits as they came.
 */
function diversionNumber(header: string | undefined, plan: RoutingPlan): string | undefined {
  if (!header) return undefined;
  const last = header.split(',').at(-1)!;
  return divertedHotline(header, plan) ?? /(?:sips?|tel):\+?([0-9]{3,20})/i.exec(last)?.[1];
}

function policeNetworks(plan: RoutingPlan): RegExp | null {
  try {
    const { networks } = plan.policeDiversion;
    return networks.length > 0 ? new RegExp(`^(?:${networks.map(ipv4NetworkPattern).join('|')})$`) : null;
  } catch {
    return null; // a network the config check let through but the pattern refuses: no 110 by address
  }
}

// ——— the far ends' behaviour ———

type LegEnd =
  | { kind: 'answered'; ringS: number; talkS?: number }
  | { kind: 'busy' }
  | { kind: 'unreachable' }
  | { kind: 'rejected'; ringS: number }
  | { kind: 'unanswered'; ringS: number };

function legEnd(ch: SeenChannel): LegEnd {
  const created = createdUs(ch);
  const answered = answeredUs(ch);
  const ended = hungUpUs(ch);
  if (answered !== undefined) {
    if (ended === undefined) return { kind: 'answered', ringS: secondsBetween(created, answered) };
    const ourSide = ch.disposition?.startsWith('send_') === true;
    return { kind: 'answered', ringS: secondsBetween(created, answered), talkS: secondsBetween(answered, ended) + (ourSide ? NOT_ENDED_BY_FAR_END_S : 0) };
  }
  if (ch.cause === 'USER_BUSY') return { kind: 'busy' };
  if (ch.cause === 'NORMAL_TEMPORARY_FAILURE') return { kind: 'unreachable' };
  const ringS = secondsBetween(created, ended ?? ch.lastUs);
  return ch.cause === 'CALL_REJECTED' ? { kind: 'rejected', ringS } : { kind: 'unanswered', ringS };
}

/** One observation: the number; several: the list, which the simulator uses in turn (drawSeconds). */
function delay(xs: number[]): Delay | undefined {
  return xs.length === 0 ? undefined : xs.length === 1 ? xs[0]! : xs;
}

const share = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 100) / 100);
const count = (ends: LegEnd[], ...kinds: Array<LegEnd['kind']>) => ends.filter((e) => kinds.includes(e.kind)).length;

/**
 * The simulator's softphone draws busy first (no answer delay used), then the answer delay,
 * then whether it declines at that instant (endpoints.ts agentPlan): a declined ring's length
 * is its answer delay, and the decline share counts among the rings that were not busy.
 */
function agentBehaviour(id: string, legs: SeenChannel[], notRegistered: number, notes: string[]): AgentBehaviour {
  const ends = legs.map(legEnd);
  // a softphone has no "unreachable" in the simulator: refused at once, like busy
  const busy = count(ends, 'busy', 'unreachable');
  const answers = ends.flatMap((e) =>
    e.kind === 'answered' || e.kind === 'rejected' ? [e.ringS] : e.kind === 'unanswered' ? [e.ringS + NOT_ENDED_BY_FAR_END_S] : [],
  );
  const talks = ends.flatMap((e) => (e.kind === 'answered' && e.talkS !== undefined ? [e.talkS] : []));
  const behaviour: AgentBehaviour = {
    id,
    registered: !(notRegistered > 0 && legs.length === 0),
    answerAfterS: delay(answers) ?? DEFAULT_ANSWER_S,
    talkS: delay(talks) ?? DEFAULT_TALK_S,
    reject: share(count(ends, 'rejected'), ends.length - busy),
    busy: share(busy, ends.length),
    oneCallAtATime: true,
  };
  if (notRegistered > 0 && legs.length > 0)
    notes.push(`seat ${id}: not registered for ${notRegistered} ring(s) but rang ${legs.length} time(s); replayed as registered`);
  if (legs.length > 0 || notRegistered > 0) notes.push(seatNote(id, ends, notRegistered, behaviour));
  return behaviour;
}

function seatNote(id: string, ends: LegEnd[], notRegistered: number, b: AgentBehaviour): string {
  const parts = ends.map((e) =>
    e.kind === 'answered'
      ? `answered after ${e.ringS} s${e.talkS === undefined ? '' : `, talked ${e.talkS} s`}`
      : 'ringS' in e
        ? `${e.kind} after ${e.ringS} s`
        : e.kind,
  );
  if (notRegistered > 0) parts.push(`not registered ×${notRegistered}`);
  // the simulator has chances, not a script per ring: a mix of outcomes is replayed as shares
  const mixed = [b.reject ?? 0, b.busy ?? 0].some((x) => x > 0 && x < 1);
  return `seat ${id}: ${parts.join('; ')}${mixed ? ` (replayed as a ${b.busy} chance of busy and ${b.reject} of declining, so which ring it hits may differ)` : ''}`;
}

/**
 * Every seat gets a softphone (the fallback rings them all); the seats seen ring (or refuse as
 * unregistered) are the ones made ready, since the ACD offered them calls; none seen, all are.
 */
function seatBehaviours(
  plan: RoutingPlan,
  legs: Map<string, SeenChannel[]>,
  notRegistered: Map<string, number>,
  notes: string[],
): Pick<Traffic, 'agents' | 'readySeats'> {
  const agents = plan.seats.map((s) => agentBehaviour(s.id, legs.get(s.id) ?? [], notRegistered.get(s.id) ?? 0, notes));
  const seen = plan.seats.map((s) => s.id).filter((id) => legs.has(id) || notRegistered.has(id));
  notes.push(...seatNotes(plan, seen));
  return { agents, readySeats: seen.length > 0 ? seen : plan.seats.map((s) => s.id) };
}

function seatNotes(plan: RoutingPlan, seen: string[]): string[] {
  const unseen = plan.seats.map((s) => s.id).filter((id) => !seen.includes(id));
  if (unseen.length === 0) return [];
  const ready = seen.length > 0 ? 'not ready (only seats seen in the events are)' : 'all ready, since no seat was seen';
  return [`seats not seen in the events: ${unseen.join(', ')}; they answer after ${DEFAULT_ANSWER_S} s and talk ${DEFAULT_TALK_S} s, ${ready}`];
}

/** Seats a caller's bridge found unregistered, with how many times. */
function notRegisteredSeats(callers: SeenChannel[], seats: ReadonlySet<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const ch of callers) {
    for (const b of ch.failedBridges) {
      for (const m of b.data.matchAll(/user\/([^@,|\s{}[\]]+)/g)) {
        if (seats.has(m[1]!)) out.set(m[1]!, (out.get(m[1]!) ?? 0) + 1);
      }
    }
  }
  return out;
}

/**
 * The simulator's department draws one number for unreachable, then busy, then the answer delay
 * for the rest (endpoints.ts hotlinePlan): the shares are of all its legs, the delays of the rest.
 * A decline from a department has no equivalent there: it counts as a ring without answer.
 */
function hotlineBehaviours(byNumber: Map<string, SeenChannel[]>, notes: string[]): Record<string, HotlineBehaviour> {
  const out: Record<string, HotlineBehaviour> = {};
  for (const [number, legs] of byNumber) {
    const ends = legs.map(legEnd);
    const answers = ends.flatMap((e) =>
      e.kind === 'answered' ? [e.ringS] : e.kind === 'rejected' || e.kind === 'unanswered' ? [e.ringS + NOT_ENDED_BY_FAR_END_S] : [],
    );
    const talks = ends.flatMap((e) => (e.kind === 'answered' && e.talkS !== undefined ? [e.talkS] : []));
    const talkS = delay(talks);
    out[number] = {
      answerAfterS: delay(answers) ?? DEFAULT_ANSWER_S,
      earlyMedia: legs.some((l) => l.earlyMedia),
      ...(talkS === undefined ? {} : { talkS }),
      busy: share(count(ends, 'busy'), ends.length),
      unreachable: share(count(ends, 'unreachable'), ends.length),
    };
    notes.push(
      `department ${number}: ${ends.map((e) => ('ringS' in e ? `${e.kind} after ${e.ringS} s` : e.kind)).join('; ')}${out[number]!.earlyMedia ? ' (early media)' : ''}; it rings again only if the flow itself dials it (a transfer from the desktop is not replayed)`,
    );
  }
  return out;
}
