// An event being built, with FreeSWITCH's rules for adding a header
// (switch_event_base_add_header, src/switch_event.c ~1006, always at the bottom of the list):
// - no value (NULL in C) adds nothing;
// - an empty value adds nothing and deletes every header of that name (case-insensitive);
// - a value starting with "ARRAY::" is split on "|:" and each item is pushed onto the first
//   header of that name, which becomes an array (kept here as "ARRAY::a|:b", even with one item,
//   so that the JSON serialiser can still print it as a list);
// - in CHANNEL_DATA, REQUEST_PARAMS and MESSAGE events a new header replaces the old one.

import type { Headers, LeanEvent, SimEvent } from '../contracts.js';
import { arrayItems } from '../wire/array-value.js';
import { channelBasicHeaders, channelEventHeaders, type ChannelSnapshot } from './channel-snapshot.js';
import { UNIQUE_HEADER_EVENTS } from './event-names.js';

const ARRAY_PREFIX = 'ARRAY::';

/** strcasecmp equality (ASCII letters only), lengths first: most names differ in length, and nothing is allocated. */
function sameName(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // different codes match only as the two cases of one letter
    const lower = x | 0x20;
    if (lower !== (y | 0x20) || lower < 0x61 || lower > 0x7a) return false;
  }
  return true;
}

export class EventDraft {
  private readonly headers: Headers = [];
  private bodyText: string | undefined;
  private channelUuid: string | undefined;
  private readonly unique: boolean;
  /**
   * In events whose headers are unique (CHANNEL_DATA and the like), the lower-case names present,
   * so that adding each of two hundred headers does not scan all those before it.
   */
  private readonly names = new Set<string>();

  constructor(
    readonly name: string,
    commonHeaders: Headers,
    readonly subclass?: string,
  ) {
    this.unique = UNIQUE_HEADER_EVENTS.has(name);
    this.addAll(commonHeaders);
  }

  /** Adds one header the FreeSWITCH way (see the file comment). */
  add(name: string, value: string | null | undefined): this {
    if (value === null || value === undefined) return this;
    if (value === '') return this.remove(name);
    if (value.startsWith(ARRAY_PREFIX)) return this.addArray(name, value);
    if (this.unique) this.remove(name);
    this.push(name, value);
    return this;
  }

  addAll(headers: Headers): this {
    for (const [name, value] of headers) this.add(name, value);
    return this;
  }

  /** Deletes every header of that name, like switch_event_del_header. */
  remove(name: string): this {
    if (this.unique) {
      const lower = name.toLowerCase();
      if (!this.names.has(lower)) return this;
      this.names.delete(lower);
    }
    for (let i = this.headers.length - 1; i >= 0; i--) {
      if (sameName(this.headers[i]![0], name)) this.headers.splice(i, 1);
    }
    return this;
  }

  /**
   * The channel block (switch_channel_event_set_data): state, ids, codecs, the Caller-* and
   * Other-Leg-* profiles and, for the events that carry them, the variable_* headers.
   */
  channel(snapshot: ChannelSnapshot): this {
    this.channelUuid = snapshot.uuid;
    return this.addAll(channelEventHeaders(snapshot, this.name));
  }

  /** The channel block without its variables (see SimEvent.lean). */
  channelBasic(snapshot: ChannelSnapshot): this {
    this.channelUuid = snapshot.uuid;
    return this.addAll(channelBasicHeaders(snapshot));
  }

  /** Another draft with the headers added so far, to be finished apart from this one. */
  copy(): EventDraft {
    const other = new EventDraft(this.name, [], this.subclass);
    other.headers.push(...this.headers.map(([n, v]) => [n, v] as [string, string]));
    for (const n of this.names) other.names.add(n);
    if (this.bodyText !== undefined) other.bodyText = this.bodyText;
    other.channelUuid = this.channelUuid;
    return other;
  }

  /** The body; FreeSWITCH counts it in bytes when it serialises. */
  body(text: string): this {
    this.bodyText = text;
    return this;
  }

  /**
   * The event, its headers written only when something first reads them: by `finish`, from the
   * draft as it is now. Some channel events reach no listener or tap (a leg without a socket,
   * a type nobody subscribed to: about one in six in the call bench), and their two hundred
   * headers would be written for nobody. `finish` must use only what cannot change (a channel
   * snapshot, header lists nobody edits). When the extra headers hold no Unique-ID or
   * Job-Owner-UUID, the routing keys are known without writing: the channel block's Unique-ID,
   * and no owner.
   */
  buildLater(snapshotUuid: string, extra: readonly Headers[], finish: (draft: this) => void, body?: string, lean?: LeanRecipe): SimEvent {
    const event = new DeferredEvent(this.name, this, finish as (draft: EventDraft) => void, lean);
    if (this.subclass !== undefined) event.subclass = this.subclass;
    if (body !== undefined) event.body = body;
    event.channelUuid = snapshotUuid;
    const hidesKeys = [this.headers, ...extra].some((list) => list.some(([n]) => sameName(n, 'Unique-ID') || sameName(n, 'Job-Owner-UUID')));
    if (!hidesKeys) event.routingKeys = { uuid: snapshotUuid, jobOwner: undefined };
    return event;
  }

  /** The event; a draft is built once, and its header list becomes the event's. */
  build(): SimEvent {
    const event: SimEvent = { name: this.name, headers: this.headers };
    if (this.subclass !== undefined) event.subclass = this.subclass;
    if (this.bodyText !== undefined) event.body = this.bodyText;
    const uuid = this.channelUuid ?? this.headers.find(([n]) => n === 'Unique-ID')?.[1];
    if (uuid !== undefined) event.channelUuid = uuid;
    return event;
  }

  /** switch_event_add_array: "|:"-separated items pushed one by one (no "ARRAY::" alone). */
  private addArray(name: string, value: string): this {
    if (value.length <= ARRAY_PREFIX.length) return this;
    for (const item of value.slice(ARRAY_PREFIX.length).split('|:')) this.pushItem(name, item);
    return this;
  }

  private pushItem(name: string, item: string): void {
    const existing = this.headers.find(([n]) => sameName(n, name));
    if (!existing) {
      if (item === '') return;
      this.push(name, ARRAY_PREFIX + item);
      return;
    }
    const items = arrayItems(existing[1]) ?? [existing[1]];
    items.push(item);
    existing[1] = ARRAY_PREFIX + items.join('|:');
  }

  private push(name: string, value: string): void {
    if (this.unique) this.names.add(name.toLowerCase());
    this.headers.push([name, value]);
  }
}

/**
 * How to write an event's headers without the variables: a finish that adds the channel block
 * with `channelBasic`, and the variables the whole block would show (undefined if none).
 */
export interface LeanRecipe {
  finish: (draft: EventDraft) => void;
  variables: LeanEvent['variables'];
}

/** A SimEvent whose header list is written by its draft on first read (EventDraft.buildLater). */
class DeferredEvent implements SimEvent {
  subclass?: string;
  body?: string;
  channelUuid?: string;
  routingKeys?: SimEvent['routingKeys'];
  private written: Headers | undefined;
  private leanHeaders: Headers | undefined;

  constructor(
    readonly name: string,
    private draft: EventDraft | undefined,
    private finish: ((draft: EventDraft) => void) | undefined,
    private recipe: LeanRecipe | undefined,
  ) {}

  get headers(): Headers {
    if (this.written === undefined) {
      this.finish!(this.draft!);
      this.written = this.draft!.build().headers;
      this.draft = undefined;
      this.finish = undefined;
      this.recipe = undefined;
      this.leanHeaders = undefined;
    }
    return this.written;
  }

  lean(): LeanEvent | undefined {
    if (this.written !== undefined || this.recipe === undefined) return undefined;
    if (this.leanHeaders === undefined) {
      const draft = this.draft!.copy();
      this.recipe.finish(draft);
      this.leanHeaders = draft.build().headers;
    }
    return { headers: this.leanHeaders, variables: this.recipe.variables };
  }
}
