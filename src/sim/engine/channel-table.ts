// The core database's `channels` and `calls` tables, kept the way FreeSWITCH keeps them: from
// the events the switch fires (switch_core_sqldb.c core_event_handler), not from the live
// channels. So `show channels` shows, say, the application of the last CHANNEL_EXECUTE and the
// codec of the last ANSWER, exactly as a real switch would.
import type { LeanEvent, SimEvent } from '../contracts.js';

/** create_channels_sql column order (switch_core_sqldb.c). */
export const CHANNEL_COLUMNS = [
  'uuid',
  'direction',
  'created',
  'created_epoch',
  'name',
  'state',
  'cid_name',
  'cid_num',
  'ip_addr',
  'dest',
  'application',
  'application_data',
  'dialplan',
  'context',
  'read_codec',
  'read_rate',
  'read_bit_rate',
  'write_codec',
  'write_rate',
  'write_bit_rate',
  'secure',
  'hostname',
  'presence_id',
  'presence_data',
  'accountcode',
  'callstate',
  'callee_name',
  'callee_num',
  'callee_direction',
  'call_uuid',
  'sent_callee_name',
  'sent_callee_num',
  'initial_cid_name',
  'initial_cid_num',
  'initial_ip_addr',
  'initial_dest',
  'initial_dialplan',
  'initial_context',
] as const;

/** The basic_calls view's columns, a-leg fields then b_ fields then call_created_epoch. */
const A_COLUMNS = [
  'uuid',
  'direction',
  'created',
  'created_epoch',
  'name',
  'state',
  'cid_name',
  'cid_num',
  'ip_addr',
  'dest',
  'presence_id',
  'presence_data',
  'accountcode',
  'callstate',
  'callee_name',
  'callee_num',
  'callee_direction',
  'call_uuid',
  'hostname',
  'sent_callee_name',
  'sent_callee_num',
] as const;
const B_COLUMNS = [
  'uuid',
  'direction',
  'created',
  'created_epoch',
  'name',
  'state',
  'cid_name',
  'cid_num',
  'ip_addr',
  'dest',
  'presence_id',
  'presence_data',
  'accountcode',
  'callstate',
  'callee_name',
  'callee_num',
  'callee_direction',
  'sent_callee_name',
  'sent_callee_num',
] as const;

/** A row: SQL NULL is a missing key, which every output form prints as "". */
export type Row = Partial<Record<string, string>>;

interface CallRow {
  callUuid: string;
  created: string;
  createdEpoch: string;
  caller: string;
  callee: string;
}

/** Channel-State-Number values (switch_channel_state_t) the handler branches on. */
const CS = { NEW: 0, INIT: 1, ROUTING: 2, EXECUTE: 4, HANGUP: 10, REPORTING: 11, DESTROY: 12 };
/** Channel-Call-State-Number values it ignores (CCS_DOWN, CCS_HANGUP). */
const IGNORED_CALLSTATES = new Set([0, 7]);

export class ChannelTable {
  private readonly channels = new Map<string, Row>();
  private calls: CallRow[] = [];

  constructor(private readonly hostname: string) {}

  /** core_event_handler: one event's effect on the tables. */
  observe(event: SimEvent): void {
    const wanted = FIELDS_READ[event.name];
    // Most events fired leave the tables alone; those are not read at all.
    if (!wanted) return;
    const h = new EventFields(event, wanted);
    const uuid = h.get('unique-id');
    switch (event.name) {
      case 'CHANNEL_CREATE':
        return this.insert(h);
      case 'CHANNEL_DESTROY':
        this.channels.delete(uuid);
        this.calls = this.calls.filter((c) => c.caller !== uuid && c.callee !== uuid);
        return;
      case 'CHANNEL_ANSWER':
      case 'CHANNEL_PROGRESS_MEDIA':
      case 'CODEC':
        return this.update(uuid, {
          read_codec: h.get('channel-read-codec-name'),
          read_rate: h.get('channel-read-codec-rate'),
          read_bit_rate: h.get('channel-read-codec-bit-rate'),
          write_codec: h.get('channel-write-codec-name'),
          write_rate: h.get('channel-write-codec-rate'),
          write_bit_rate: h.get('channel-write-codec-bit-rate'),
        });
      case 'CHANNEL_HOLD':
      case 'CHANNEL_UNHOLD':
      case 'CHANNEL_EXECUTE':
        return this.update(uuid, {
          application: h.get('application'),
          application_data: h.get('application-data'),
          presence_id: h.get('channel-presence-id'),
          presence_data: h.get('channel-presence-data'),
          accountcode: h.get('variable_accountcode'),
        });
      case 'CHANNEL_ORIGINATE':
        return this.update(uuid, {
          presence_id: h.get('channel-presence-id'),
          presence_data: h.get('channel-presence-data'),
          accountcode: h.get('variable_accountcode'),
          call_uuid: h.get('channel-call-uuid'),
        });
      case 'CHANNEL_CALLSTATE':
        if (!IGNORED_CALLSTATES.has(Number.parseInt(h.get('channel-call-state-number'), 10))) this.update(uuid, { callstate: h.get('channel-call-state') });
        return;
      case 'CHANNEL_STATE':
        return this.state(uuid, h);
      case 'CHANNEL_BRIDGE':
        return this.bridge(h);
      case 'CHANNEL_UNBRIDGE':
        return this.unbridge(h);
      default:
        return;
    }
  }

  private update(uuid: string, values: Row): void {
    const row = this.channels.get(uuid);
    if (row) Object.assign(row, values);
  }

  private insert(h: EventFields): void {
    const us = Number(h.get('event-date-timestamp'));
    this.channels.set(h.get('unique-id'), {
      uuid: h.get('unique-id'),
      direction: h.get('call-direction'),
      created: h.get('event-date-local'),
      created_epoch: String(Math.floor(us / 1_000_000)),
      name: h.get('channel-name'),
      state: h.get('channel-state'),
      callstate: h.get('channel-call-state'),
      dialplan: h.get('caller-dialplan'),
      context: h.get('caller-context'),
      hostname: this.hostname,
      initial_cid_name: h.get('caller-caller-id-name'),
      initial_cid_num: h.get('caller-caller-id-number'),
      initial_ip_addr: h.get('caller-network-addr'),
      initial_dest: h.get('caller-destination-number'),
      initial_dialplan: h.get('caller-dialplan'),
      initial_context: h.get('caller-context'),
    });
  }

  private state(uuid: string, h: EventFields): void {
    const number = Number.parseInt(h.get('channel-state-number'), 10);
    if ([CS.NEW, CS.DESTROY, CS.REPORTING, CS.HANGUP, CS.INIT].includes(number)) return;
    if (number !== CS.ROUTING) {
      this.update(uuid, { state: h.get('channel-state') });
      return;
    }
    this.update(uuid, {
      state: h.get('channel-state'),
      cid_name: h.get('caller-caller-id-name'),
      cid_num: h.get('caller-caller-id-number'),
      callee_name: h.get('caller-callee-id-name'),
      callee_num: h.get('caller-callee-id-number'),
      sent_callee_name: h.get('sent-callee-id-name'),
      sent_callee_num: h.get('sent-callee-id-number'),
      ip_addr: h.get('caller-network-addr'),
      dest: h.get('caller-destination-number'),
      dialplan: h.get('caller-dialplan'),
      context: h.get('caller-context'),
      presence_id: h.get('channel-presence-id'),
      presence_data: h.get('channel-presence-data'),
      accountcode: h.get('variable_accountcode'),
    });
  }

  private bridge(h: EventFields): void {
    const a = h.get('bridge-a-unique-id') || h.get('caller-unique-id');
    const b = h.get('bridge-b-unique-id') || h.get('other-leg-unique-id');
    const callUuid = h.get('channel-call-uuid');
    for (const id of [a, b]) {
      const row = this.channels.get(id);
      if (row) row.call_uuid = callUuid;
    }
    const us = Number(h.get('event-date-timestamp'));
    this.calls.push({ callUuid, created: h.get('event-date-local'), createdEpoch: String(Math.floor(us / 1_000_000)), caller: a, callee: b });
  }

  private unbridge(h: EventFields): void {
    const caller = h.get('caller-unique-id');
    const callUuid = h.get('channel-call-uuid');
    for (const row of this.channels.values()) if (row.call_uuid === callUuid) row.call_uuid = row.uuid;
    this.calls = this.calls.filter((c) => c.caller !== caller && c.callee !== caller);
  }

  /** select * from channels order by created_epoch (insertion order breaks ties, as SQLite's rowid does). */
  channelRows(): Row[] {
    return stableSort([...this.channels.values()], (r) => Number(r.created_epoch ?? 0)).map((r) => pick(r, CHANNEL_COLUMNS));
  }

  /**
   * select * from basic_calls order by call_created_epoch: every bridge once from its A side,
   * plus every channel that is not a bridge callee (with empty b_ fields, sorted first as NULL).
   */
  callRows(): Row[] {
    const callees = new Set(this.calls.map((c) => c.callee));
    const rows: Array<{ row: Row; epoch: number }> = [];
    for (const a of this.channels.values()) {
      const call = this.calls.find((c) => c.caller === a.uuid);
      if (!call && callees.has(a.uuid ?? '')) continue;
      const b = call ? this.channels.get(call.callee) : undefined;
      const row: Row = pick(a, A_COLUMNS);
      for (const col of B_COLUMNS) row[`b_${col}`] = b?.[col];
      row.call_created_epoch = call?.createdEpoch;
      rows.push({ row, epoch: call ? Number(call.createdEpoch) : -1 });
    }
    return stableSort(rows, (r) => r.epoch).map((r) => r.row);
  }
}

/** The prefix of a channel variable's header. */
const VARIABLE_PREFIX = 'variable_';

/** The header names (lower case) each event the handler acts on is read for. */
const CODEC_FIELDS = [
  'channel-read-codec-name',
  'channel-read-codec-rate',
  'channel-read-codec-bit-rate',
  'channel-write-codec-name',
  'channel-write-codec-rate',
  'channel-write-codec-bit-rate',
];
const PRESENCE_FIELDS = ['channel-presence-id', 'channel-presence-data', 'variable_accountcode'];
const FIELDS_READ: Partial<Record<string, WantedFields>> = Object.fromEntries(
  Object.entries({
    CHANNEL_CREATE: [
      'event-date-timestamp',
      'call-direction',
      'event-date-local',
      'channel-name',
      'channel-state',
      'channel-call-state',
      'caller-dialplan',
      'caller-context',
      'caller-caller-id-name',
      'caller-caller-id-number',
      'caller-network-addr',
      'caller-destination-number',
    ],
    CHANNEL_DESTROY: [],
    CHANNEL_ANSWER: CODEC_FIELDS,
    CHANNEL_PROGRESS_MEDIA: CODEC_FIELDS,
    CODEC: CODEC_FIELDS,
    CHANNEL_HOLD: ['application', 'application-data', ...PRESENCE_FIELDS],
    CHANNEL_UNHOLD: ['application', 'application-data', ...PRESENCE_FIELDS],
    CHANNEL_EXECUTE: ['application', 'application-data', ...PRESENCE_FIELDS],
    CHANNEL_ORIGINATE: [...PRESENCE_FIELDS, 'channel-call-uuid'],
    CHANNEL_CALLSTATE: ['channel-call-state-number', 'channel-call-state'],
    CHANNEL_STATE: [
      'channel-state-number',
      'channel-state',
      'caller-caller-id-name',
      'caller-caller-id-number',
      'caller-callee-id-name',
      'caller-callee-id-number',
      'sent-callee-id-name',
      'sent-callee-id-number',
      'caller-network-addr',
      'caller-destination-number',
      'caller-dialplan',
      'caller-context',
      ...PRESENCE_FIELDS,
    ],
    CHANNEL_BRIDGE: [
      'bridge-a-unique-id',
      'caller-unique-id',
      'bridge-b-unique-id',
      'other-leg-unique-id',
      'channel-call-uuid',
      'event-date-timestamp',
      'event-date-local',
    ],
    CHANNEL_UNBRIDGE: ['caller-unique-id', 'channel-call-uuid'],
  }).map(([name, fields]) => [name, wantedFields(['unique-id', ...fields])]),
);

interface WantedFields {
  names: ReadonlySet<string>;
  lengths: ReadonlySet<number>;
  /** the wanted variable_* names without the prefix */
  variables: ReadonlySet<string>;
}

function wantedFields(names: string[]): WantedFields {
  const variables = names.filter((n) => n.startsWith(VARIABLE_PREFIX)).map((n) => n.slice(VARIABLE_PREFIX.length));
  return { names: new Set(names), lengths: new Set(names.map((n) => n.length)), variables: new Set(variables) };
}

/**
 * switch_event_get_header for the few names the handler reads, from one pass over the event
 * (a channel event carries a couple of hundred headers): the first value of each, '' if none.
 * Most events the handler reads reach no listener, so it reads them lean when it can (the
 * variables apart, SimEvent.lean) rather than have all their variables written out for it.
 */
class EventFields {
  private readonly values = new Map<string, string>();

  constructor(
    event: SimEvent,
    private readonly wanted: WantedFields,
  ) {
    const lean = event.lean?.();
    if (lean && this.readVariables(lean)) {
      this.read(lean.headers);
      return;
    }
    this.values.clear();
    this.read(event.headers);
  }

  private read(headers: ReadonlyArray<readonly [string, string]>): void {
    const { names, lengths } = this.wanted;
    for (const [n, v] of headers) {
      if (this.values.size === names.size) return;
      if (!lengths.has(n.length)) continue;
      const lower = n.toLowerCase();
      if (names.has(lower) && !this.values.has(lower)) this.values.set(lower, v);
    }
  }

  /**
   * The wanted variable_* values as the whole list would show them; false when only the whole
   * list can tell: a name there twice in different case, or an empty or array value, which the
   * draft's rules would remove or rewrite.
   */
  private readVariables(lean: LeanEvent): boolean {
    if (this.wanted.variables.size === 0 || lean.variables === undefined) return true;
    for (const [n, v] of lean.variables) {
      const lower = n.toLowerCase();
      if (!this.wanted.variables.has(lower)) continue;
      const name = VARIABLE_PREFIX + lower;
      if (this.values.has(name) || v === '' || v.startsWith('ARRAY::')) return false;
      this.values.set(name, v);
    }
    return true;
  }

  get(lowerName: string): string {
    // a name missing from FIELDS_READ would read as '' without this
    if (!this.wanted.names.has(lowerName)) throw new Error(`channel table: ${lowerName} is not in FIELDS_READ`);
    return this.values.get(lowerName) ?? '';
  }
}

function pick(row: Row, columns: readonly string[]): Row {
  const out: Row = {};
  for (const c of columns) out[c] = row[c];
  return out;
}

function stableSort<T>(items: T[], key: (item: T) => number): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((x, y) => key(x.item) - key(y.item) || x.i - y.i)
    .map((x) => x.item);
}

/** cJSON_PrintUnformatted of {"row_count":N,"rows":[...]}, every value a string; the empty form is FreeSWITCH's own text. */
export function rowsAsJson(rows: Row[], columns: readonly string[]): string {
  if (rows.length === 0) return '{"row_count": 0}\n';
  const objects = rows.map((r) => `{${columns.map((c) => `${JSON.stringify(c)}:${JSON.stringify(r[c] ?? '')}`).join(',')}}`);
  return `{"row_count":${rows.length},"rows":[${objects.join(',')}]}`;
}

/** The delimited form: a title line, one line per row, then "\n<N> total.\n". */
export function rowsAsText(rows: Row[], columns: readonly string[], delim = ','): string {
  const lines = rows.length === 0 ? [] : [columns.join(delim), ...rows.map((r) => columns.map((c) => r[c] ?? '').join(delim))];
  return `${lines.map((l) => `${l}\n`).join('')}\n${rows.length} total.\n`;
}

export const CALL_COLUMNS: readonly string[] = [...A_COLUMNS, ...B_COLUMNS.map((c) => `b_${c}`), 'call_created_epoch'];
