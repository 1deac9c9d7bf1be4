// Which events one listener receives: the subscription state of mod_event_socket's listener_t and
// the decision of its event_handler (MES ~274–415):
// 1. ALL, or the event's type (for CUSTOM: a subscribed subclass, or an event without one);
// 2. filters: with any filter set, an event passes only if a positive filter matches it, and a
//    matching negative filter ("-" prefix) drops it;
// 3. myevents: only events whose Unique-ID is the bound channel, plus BACKGROUND_JOBs whose
//    Job-Owner-UUID is that channel.

import type { Headers, SimEvent } from '../contracts.js';
import { EVENT_NAMES, MYEVENTS_NAMES, eventNameOf, type EventName } from '../events/event-names.js';
import { storedValue } from '../wire/array-value.js';

/** The headers that route an event to the sessions it concerns, read once per event. */
export interface EventKeys {
  /** Unique-ID (the first one), else the channel the event was built for */
  uuid: string | undefined;
  jobOwner: string | undefined;
}

const eventKeyCache = new WeakMap<SimEvent, EventKeys>();

/** ASCII case-insensitive equality with a lower-case name, without allocating. */
function namesMatch(name: string, lowerName: string): boolean {
  if (name.length !== lowerName.length) return false;
  for (let i = 0; i < name.length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lowerName.charCodeAt(i)) return false;
  }
  return true;
}

function firstHeader(headers: Headers, lowerName: string): string | undefined {
  for (const [n, v] of headers) {
    if (namesMatch(n, lowerName)) return storedValue(v) ?? undefined;
  }
  return undefined;
}

export function eventKeys(event: SimEvent): EventKeys {
  if (event.routingKeys) return event.routingKeys;
  let keys = eventKeyCache.get(event);
  if (keys) return keys;
  // One pass for both names: an event has some two hundred headers, and Job-Owner-UUID is
  // almost never among them, so a search for it alone reads them all.
  let uuid: string | null | undefined;
  let jobOwner: string | null | undefined;
  for (const [n, v] of event.headers) {
    if (uuid === undefined && namesMatch(n, 'unique-id')) uuid = storedValue(v);
    else if (jobOwner === undefined && namesMatch(n, 'job-owner-uuid')) jobOwner = storedValue(v);
  }
  keys = { uuid: uuid ?? event.channelUuid, jobOwner: jobOwner ?? undefined };
  eventKeyCache.set(event, keys);
  return keys;
}

/** First header of that name (case-insensitive), as switch_event_get_header reads it. */
export function headerValue(headers: Headers, name: string): string | undefined {
  return firstHeader(headers, name.toLowerCase());
}

const KNOWN_EVENT_NAMES = new Set<string>(EVENT_NAMES);

/** The event's type for subscription purposes; names FreeSWITCH does not know count as CLONE. */
function eventType(event: SimEvent): EventName {
  return KNOWN_EVENT_NAMES.has(event.name) ? (event.name as EventName) : 'CLONE';
}

function subclassOf(event: SimEvent): string | undefined {
  return event.subclass ?? headerValue(event.headers, 'Event-Subclass');
}

/** One "filter" entry: the header name and the value as the client typed it. */
interface Filter {
  name: string;
  value: string;
}

/** +/- and spaces before a filter value set its sign; the rest is what is compared. */
function filterTerms(value: string): { positive: boolean; text: string } {
  let positive = true;
  let i = 0;
  for (; i < value.length; i++) {
    const c = value[i];
    if (c === '+') positive = true;
    else if (c === '-') positive = false;
    else if (c !== ' ') break;
  }
  return { positive, text: value.slice(i) };
}

/**
 * switch_regex on "/pattern/flags": the text between the first and the last '/', with i and s
 * flags. No closing slash or a pattern JavaScript cannot compile counts as no match, as a PCRE
 * compile error does in FreeSWITCH.
 */
export function regexMatches(subject: string, expression: string): boolean {
  const body = expression.slice(1);
  const close = body.lastIndexOf('/');
  if (close < 0) return false;
  const options = body.slice(close + 1);
  const flags = (options.includes('i') ? 'i' : '') + (options.includes('s') ? 's' : '');
  try {
    return new RegExp(body.slice(0, close), flags).test(subject);
  } catch {
    return false;
  }
}

function filterMatches(filter: Filter, headerText: string, text: string): boolean {
  if (filter.value.startsWith('/')) return regexMatches(headerText, text);
  return headerText.toLowerCase() === text.toLowerCase();
}

export class Subscription {
  /** event types subscribed to, ALL included when it was asked for */
  readonly types = new Set<EventName>();
  /** CUSTOM subclasses subscribed to */
  readonly subclasses = new Set<string>();
  /**
   * `event ALL` also subscribes every CUSTOM subclass registered at that moment (set_all_custom,
   * MES ~1693); the simulator has no registry, so it takes every subclass from then on.
   */
  private allSubclasses = false;
  readonly filters: Filter[] = [];
  /** set by `event`, `nixevent` or `myevents`; nothing is sent before */
  listening = false;
  myEvents = false;

  /** `event` words after the optional format (MES ~2465): returns how many keywords were taken. */
  subscribe(words: string[]): number {
    let keywords = 0;
    let custom = false;
    for (const word of words) {
      if (custom) {
        this.subclasses.add(word);
        continue;
      }
      const type = eventNameOf(word);
      if (type === null) continue;
      keywords++;
      if (type === 'ALL') {
        for (const name of EVENT_NAMES) this.types.add(name);
        this.allSubclasses = true;
      }
      this.types.add(type);
      if (type === 'CUSTOM') custom = true;
    }
    return keywords;
  }

  /** `nixevent` (MES ~2547). nixevent CUSTOM does not clear CUSTOM itself; it removes the subclasses after it. */
  unsubscribe(words: string[]): number {
    let keywords = 0;
    let custom = false;
    for (const word of words) {
      if (custom) {
        this.subclasses.delete(word);
        continue;
      }
      const type = eventNameOf(word);
      if (type === null) continue;
      keywords++;
      if (type === 'CUSTOM') custom = true;
      else if (type === 'ALL') this.types.clear();
      else {
        // Dropping one type out of ALL turns ALL into every single type.
        this.types.delete('ALL');
        this.types.delete(type);
      }
    }
    return keywords;
  }

  /** `noevents`: everything off, subclasses included. */
  clear(): void {
    this.types.clear();
    this.subclasses.clear();
    this.allSubclasses = false;
    this.listening = false;
  }

  /** `myevents`: the channel event set (MES ~2104), bound to one channel. */
  bindMyEvents(): void {
    for (const name of MYEVENTS_NAMES) this.types.add(name);
    this.myEvents = true;
    this.listening = true;
  }

  addFilter(name: string, value: string): void {
    this.filters.push({ name, value });
  }

  /** filter delete <name> [<value>]: by name (case-insensitive), and value (exact) when given. */
  deleteFilter(name: string, value: string | undefined): void {
    for (let i = this.filters.length - 1; i >= 0; i--) {
      const f = this.filters[i]!;
      if (f.name.toLowerCase() === name.toLowerCase() && (!value || f.value === value)) this.filters.splice(i, 1);
    }
  }

  deleteAllFilters(): void {
    this.filters.length = 0;
  }

  /** Whether only the bound channel's events can pass (or none, before any subscription). */
  boundToChannel(boundUuid: string | undefined): boolean {
    return !this.listening || (this.myEvents && boundUuid !== undefined);
  }

  /** Whether the event reaches this listener; `boundUuid` is the channel a session controls. */
  accepts(event: SimEvent, boundUuid: string | undefined): boolean {
    if (!this.listening) return false;
    // Every check is pure; the one that rejects most events under load goes first.
    if (this.myEvents && !this.ownEvent(event, boundUuid)) return false;
    return this.typeWanted(event) && this.passesFilters(event);
  }

  private typeWanted(event: SimEvent): boolean {
    if (this.types.has('ALL')) return true;
    const type = eventType(event);
    if (!this.types.has(type)) return false;
    if (type !== 'CUSTOM') return true;
    const subclass = subclassOf(event);
    return subclass === undefined || this.allSubclasses || this.subclasses.has(subclass);
  }

  /** The loop of event_handler: positives are skipped once one matched, a negative match stops it. */
  private passesFilters(event: SimEvent): boolean {
    if (this.filters.length === 0) return true;
    let send = false;
    for (const filter of this.filters) {
      const headerText = headerValue(event.headers, filter.name);
      if (headerText === undefined) continue;
      const { positive, text } = filterTerms(filter.value);
      if (send && positive) continue;
      if (!filterMatches(filter, headerText, text)) continue;
      if (!positive) return false;
      send = true;
    }
    return send;
  }

  private ownEvent(event: SimEvent, boundUuid: string | undefined): boolean {
    const { uuid, jobOwner } = eventKeys(event);
    let send = uuid !== undefined && (boundUuid === undefined || uuid === boundUuid);
    if (boundUuid !== undefined && jobOwner === boundUuid) send = true;
    return send;
  }
}
