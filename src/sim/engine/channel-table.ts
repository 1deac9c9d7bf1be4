// The core database's `channels` and `calls` tables, kept the way FreeSWITCH keeps them: from
// the events the switch fires (switch_core_sqldb.c core_event_handler), not from the live
// channels. So `show channels` shows, say, the application of the last CHANNEL_EXECUTE and the
// codec of the last ANSWER, exactly as a real switch would.
import type { SimEvent } from '../contracts.js';

/** create_channels_sql column order (switch_core_sqldb.c). */
export const CHANNEL_COLUMNS = [
  'uuid', 'direction', 'created', 'created_epoch', 'name', 'state', 'cid_name', 'cid_num', 'ip_addr', 'dest',
  'application', 'application_data', 'dialplan', 'context', 'read_codec', 'read_rate', 'read_bit_rate',
  'write_codec', 'write_rate', 'write_bit_rate', 'secure', 'hostname', 'presence_id', 'presence_data',
  'accountcode', 'callstate', 'callee_name', 'callee_num', 'callee_direction', 'call_uuid', 'sent_callee_name',
  'sent_callee_num', 'initial_cid_name', 'initial_cid_num', 'initial_ip_addr', 'initial_dest',
  'initial_dialplan', 'initial_context',
] as const;

/** The basic_calls view's columns, a-leg fields then b_ fields then call_created_epoch. */
const A_COLUMNS = [
  'uuid', 'direction', 'created', 'created_epoch', 'name', 'state', 'cid_name', 'cid_num', 'ip_addr', 'dest',
  'presence_id', 'presence_data', 'accountcode', 'callstate', 'callee_name', 'callee_num', 'callee_direction',
  'call_uuid', 'hostname', 'sent_callee_name', 'sent_callee_num',
] as const;
const B_COLUMNS = [
  'uuid', 'direction', 'created', 'created_epoch', 'name', 'state', 'cid_name', 'cid_num', 'ip_addr', 'dest',
  'presence_id', 'presence_data', 'accountcode', 'callstate', 'callee_name', 'callee_num', 'callee_direction',
  'sent_callee_name', 'sent_callee_num',
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
    const h = (name: string) => header(event, name);
    const uuid = h('unique-id');
    const update = (values: Row) => {
      const row = this.channels.get(uuid);
      if (row) Object.assign(row, values);
    };
    switch (event.name) {
      case 'CHANNEL_CREATE':
        return this.insert(event);
      case 'CHANNEL_DESTROY':
        this.channels.delete(uuid);
        this.calls = this.calls.filter((c) => c.caller !== uuid && c.callee !== uuid);
        return;
      case 'CHANNEL_ANSWER':
      case 'CHANNEL_PROGRESS_MEDIA':
      case 'CODEC':
        return update({
          read_codec: h('channel-read-codec-name'), read_rate: h('channel-read-codec-rate'),
          read_bit_rate: h('channel-read-codec-bit-rate'), write_codec: h('channel-write-codec-name'),
          write_rate: h('channel-write-codec-rate'), write_bit_rate: h('channel-write-codec-bit-rate'),
        });
      case 'CHANNEL_HOLD':
      case 'CHANNEL_UNHOLD':
      case 'CHANNEL_EXECUTE':
        return update({
          application: h('application'), application_data: h('application-data'),
          presence_id: h('channel-presence-id'), presence_data: h('channel-presence-data'), accountcode: h('variable_accountcode'),
        });
      case 'CHANNEL_ORIGINATE':
        return update({
          presence_id: h('channel-presence-id'), presence_data: h('channel-presence-data'),
          accountcode: h('variable_accountcode'), call_uuid: h('channel-call-uuid'),
        });
      case 'CHANNEL_CALLSTATE':
        if (!IGNORED_CALLSTATES.has(Number.parseInt(h('channel-call-state-number'), 10))) update({ callstate: h('channel-call-state') });
        return;
      case 'CHANNEL_STATE':
        return this.state(event, update);
      case 'CHANNEL_BRIDGE':
        return this.bridge(event);
      case 'CHANNEL_UNBRIDGE':
        return this.unbridge(event);
      default:
        return;
    }
  }

  private insert(event: SimEvent): void {
    const h = (name: string) => header(event, name);
    const us = Number(h('event-date-timestamp'));
    this.channels.set(h('unique-id'), {
      uuid: h('unique-id'), direction: h('call-direction'), created: h('event-date-local'),
      created_epoch: String(Math.floor(us / 1_000_000)), name: h('channel-name'), state: h('channel-state'),
      callstate: h('channel-call-state'), dialplan: h('caller-dialplan'), context: h('caller-context'),
      hostname: this.hostname, initial_cid_name: h('caller-caller-id-name'), initial_cid_num: h('caller-caller-id-number'),
      initial_ip_addr: h('caller-network-addr'), initial_dest: h('caller-destination-number'),
      initial_dialplan: h('caller-dialplan'), initial_context: h('caller-context'),
    });
  }

  private state(event: SimEvent, update: (values: Row) => void): void {
    const h = (name: string) => header(event, name);
    const number = Number.parseInt(h('channel-state-number'), 10);
    if ([CS.NEW, CS.DESTROY, CS.REPORTING, CS.HANGUP, CS.INIT].includes(number)) return;
    if (number !== CS.ROUTING) {
      update({ state: h('channel-state') });
      return;
    }
    update({
      state: h('channel-state'), cid_name: h('caller-caller-id-name'), cid_num: h('caller-caller-id-number'),
      callee_name: h('caller-callee-id-name'), callee_num: h('caller-callee-id-number'),
      sent_callee_name: h('sent-callee-id-name'), sent_callee_num: h('sent-callee-id-number'),
      ip_addr: h('caller-network-addr'), dest: h('caller-destination-number'), dialplan: h('caller-dialplan'),
      context: h('caller-context'), presence_id: h('channel-presence-id'), presence_data: h('channel-presence-data'),
      accountcode: h('variable_accountcode'),
    });
  }

  private bridge(event: SimEvent): void {
    const h = (name: string) => header(event, name);
    const a = h('bridge-a-unique-id') || h('caller-unique-id');
    const b = h('bridge-b-unique-id') || h('other-leg-unique-id');
    const callUuid = h('channel-call-uuid');
    for (const id of [a, b]) {
      const row = this.channels.get(id);
      if (row) row.call_uuid = callUuid;
    }
    const us = Number(h('event-date-timestamp'));
    this.calls.push({ callUuid, created: h('event-date-local'), createdEpoch: String(Math.floor(us / 1_000_000)), caller: a, callee: b });
  }

  private unbridge(event: SimEvent): void {
    const caller = header(event, 'caller-unique-id');
    const callUuid = header(event, 'channel-call-uuid');
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

function header(event: SimEvent, name: string): string {
  const lower = name.toLowerCase();
  // the length test first: every event passes through here, most with a hundred headers or more
  return event.headers.find(([n]) => n.length === lower.length && n.toLowerCase() === lower)?.[1] ?? '';
}

function pick(row: Row, columns: readonly string[]): Row {
  const out: Row = {};
  for (const c of columns) out[c] = row[c];
  return out;
}

function stableSort<T>(items: T[], key: (item: T) => number): T[] {
  return items.map((item, i) => ({ item, i })).sort((x, y) => key(x.item) - key(y.item) || x.i - y.i).map((x) => x.item);
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
