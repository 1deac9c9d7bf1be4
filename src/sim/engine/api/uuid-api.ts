// The uuid_* API commands (mod_commands.c), with their exact reply texts (docs/esl-protocol.md §8.2).
import { parseCause } from '../causes.js';
import type { Core } from '../core.js';
import { uuidBridge } from '../bridging.js';
import { broadcast, stopBroadcast } from '../broadcast.js';
import { hold, unhold } from '../hold.js';
import { answer, hangup, preAnswer, setState } from '../lifecycle.js';
import { startRecording, stopRecording } from '../media.js';
import { sendDtmfToPeer } from '../pairs.js';
import { sessionTransfer } from '../transfer.js';
import { restAfterSpace, splitWords } from '../words.js';
import { channelSnapshot } from '../facts.js';
import { serializeJson } from '../../wire/event-json.js';
import { serializePlain } from '../../wire/event-plain.js';
import { serializeXml } from '../../wire/event-xml.js';

const NO_CHANNEL = '-ERR No such channel!\n';

export function uuidBridgeApi(core: Core, args: string): string {
  const argv = splitWords(args.trim(), 4);
  if (!args.trim() || argv.length < 2) return '-USAGE: <uuid> <other_uuid>\n';
  const a = core.channel(argv[0]);
  const tryBridge = (uuid: string | undefined) => (a && uuid && core.channel(uuid) ? uuidBridge(core, a, core.channel(uuid)!) : null);
  if (tryBridge(argv[1])) return `+OK ${argv[1]}\n`;
  if (argv[2] && tryBridge(argv[2])) return `+OK ${argv[2]}\n`;
  return '-ERR Invalid uuid\n';
}

/** uuid_kill <uuid> [cause]: the cause is str2cause'd, so an unknown name is NORMAL_CLEARING. */
export function uuidKillApi(core: Core, args: string): string {
  if (!args) return '-USAGE: <uuid> [cause]\n';
  const [uuid, cause] = restAfterSpace(args);
  const ch = core.channel(uuid);
  if (!ch) return NO_CHANNEL;
  hangup(core, ch, parseCause(cause || undefined));
  return '+OK\n';
}

/** uuid_transfer <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>] */
export function uuidTransferApi(core: Core, args: string): string {
  const usage = '-USAGE: <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]\n';
  if (!args.trim()) return usage;
  const argv = splitWords(args.trim(), 5);
  if (argv.length < 2 || argv.length > 5) return usage;
  let ch = core.channel(argv[0]);
  if (!ch) return NO_CHANNEL;
  let [dest, dialplan, context] = argv.slice(1);
  const leg = dest?.startsWith('-') ? dest.slice(1).toLowerCase() : undefined;
  if (leg) [dest, dialplan, context] = argv.slice(2);
  const peer = core.channel(ch.getVar('bridge_to'));
  if (leg === 'bleg' && peer) ch = peer;
  if (leg === 'both' && peer) {
    peer.flag('CF_REDIRECT');
    ch.flag('CF_REDIRECT');
    sessionTransfer(core, peer, dest ?? '', dialplan, context);
  }
  return sessionTransfer(core, ch, dest ?? '', dialplan, context) ? '+OK\n' : '-ERR\n';
}

/** uuid_hold [off|toggle] <uuid>: an unknown uuid still answers "+OK Success" (the status starts as success). */
export function uuidHoldApi(core: Core, args: string): string {
  const argv = args.trim().split(/\s+/).filter(Boolean);
  if (argv.length === 0) return '-USAGE: [off|toggle] <uuid> [<display>]\n';
  const mode = argv[0]!.toLowerCase() === 'off' ? 'off' : argv[0]!.toLowerCase() === 'toggle' ? 'toggle' : 'on';
  const uuid = mode === 'on' ? argv[0] : argv[1];
  const ch = core.channel(uuid);
  if (!ch) return '+OK Success\n';
  let ok = true;
  if (mode === 'on') ok = hold(core, ch);
  else if (mode === 'off') ok = unhold(core, ch);
  else if (ch.callState === 'ACTIVE' || ch.callState === 'UNHELD') ok = hold(core, ch);
  else if (ch.callState === 'HELD') ok = unhold(core, ch);
  return ok ? '+OK Success\n' : '-ERR Operation failed\n';
}

/**
 * uuid_break <uuid> [all|both]: stops the running broadcast, or breaks the playing file;
 * `all` also drops queued messages, `both` does the same to the partner. Options are substrings.
 */
export function uuidBreakApi(core: Core, args: string): string {
  if (!args) return '-USAGE: <uuid> [all]\n';
  const [uuid, flag] = restAfterSpace(args);
  const ch = core.channel(uuid);
  if (!ch) return NO_CHANNEL;
  const all = flag.includes('all');
  const partner = flag.includes('both') ? (core.channel(ch.getVar('signal_bond')) ?? ch.bridge?.peer) : undefined;
  for (const leg of [ch, partner]) {
    if (!leg) continue;
    if (all) leg.privateQueue.length = 0;
    if (leg.has('CF_BROADCAST')) stopBroadcast(leg);
    else leg.flag('CF_BREAK');
  }
  return '+OK\n';
}

/** uuid_broadcast <uuid> <path>|<app>::<args> [aleg|bleg|holdb|both] (no leg word: aleg + holdb). */
export function uuidBroadcastApi(core: Core, args: string): string {
  const argv = splitWords(args.trim(), 4);
  if (!args.trim() || argv.length < 2) return '-USAGE: <uuid> <path> [aleg|bleg|holdb|both]\n';
  const ch = core.channel(argv[0]);
  if (!ch) return '-ERR invalid uuid\n';
  const word = argv[2]?.toLowerCase();
  const flags = { aleg: !word, bleg: false, holdBleg: !word, loop: false };
  if (word) {
    if (word.includes('both')) Object.assign(flags, { aleg: true, bleg: true });
    if (word.includes('aleg')) flags.aleg = true;
    if (word.includes('bleg')) Object.assign(flags, { bleg: true, holdBleg: false });
    if (word.includes('holdb')) Object.assign(flags, { bleg: false, holdBleg: true });
  }
  broadcast(core, ch, argv[1]!, flags);
  return '+OK Message sent\n';
}

/** uuid_setvar <uuid> <var> [value]: no value unsets; the value keeps the rest of the line. */
export function uuidSetvarApi(core: Core, args: string): string {
  const argv = splitWords(args.trim(), 3);
  if (!args.trim() || (argv.length !== 2 && argv.length !== 3) || !argv[0]) return '-USAGE: <uuid> <var> [value]\n';
  const ch = core.channel(argv[0]);
  if (!ch) return NO_CHANNEL;
  if (!argv[1]) return '-ERR No variable specified\n';
  ch.setVar(argv[1], argv[2]);
  return '+OK\n';
}

/** uuid_setvar_multi <uuid> <var>=<value>;<var>=<value> */
export function uuidSetvarMultiApi(core: Core, args: string): string {
  const usage = '-USAGE: <uuid> <var>=<value>;<var>=<value>...\n';
  const space = args.indexOf(' ');
  if (space < 0) return ''; // nothing is written, so the socket answers "-ERR no reply"
  const ch = core.channel(args.slice(0, space));
  if (!ch) return `-ERR No such channel!\n${usage}`;
  const pairs = args
    .slice(space + 1)
    .split(';')
    .map((item) => [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)] as const)
    .filter(([name]) => name.length > 0);
  if (pairs.length === 0) return `-ERR No variable specified\n${usage}`;
  for (const [name, value] of pairs) ch.setVar(name, value);
  return '+OK\n';
}

/** uuid_getvar <uuid> <var>: the raw value or _undef_, neither with a newline; name[idx] reads an array item. */
export function uuidGetvarApi(core: Core, args: string): string {
  const argv = splitWords(args.trim(), 4);
  if (argv.length < 2 || !argv[0]) return '-USAGE: <uuid> <var>\n';
  const ch = core.channel(argv[0]);
  if (!ch) return NO_CHANNEL;
  const name = argv[1] ?? '';
  if (!name) return '-ERR No variable name specified!\n';
  const indexed = /^([^[]+)\[(\d+)\]/.exec(name);
  const value = indexed ? arrayItem(ch.getVar(indexed[1]!), Number(indexed[2])) : undefined;
  return value ?? ch.getVar(name) ?? core.globals.get(name) ?? '_undef_';
}

function arrayItem(value: string | undefined, index: number): string | undefined {
  if (value === undefined) return undefined;
  const items = value.startsWith('ARRAY::') ? value.slice(7).split('|:') : [value];
  return items[index];
}

export function uuidExistsApi(core: Core, args: string): string {
  return args.trim() && core.channel(args.trim()) ? 'true' : 'false';
}

/** uuid_answer: an outbound leg says +OK and does nothing; a gone or unknown leg gives -ERROR. */
export function uuidAnswerApi(core: Core, args: string): string {
  const ch = core.channel(args.trim());
  return ch && answer(core, ch) ? '+OK\n' : '-ERROR\n';
}

/** uuid_park: CS_PARK ends the current app; the park state fires CHANNEL_PARK. */
export function uuidParkApi(core: Core, args: string): string {
  if (!args) return '-USAGE: <uuid>\n';
  const ch = core.channel(args.trim());
  if (!ch) return NO_CHANNEL;
  ch.flag('CF_TRANSFER');
  setState(ch, 'CS_PARK');
  return '+OK\n';
}

/** uuid_record <uuid> start|stop <path> [<limit>]: nothing is written to disk; the events are real. */
export function uuidRecordApi(core: Core, args: string): string {
  const argv = splitWords(args.trim(), 5);
  if (argv.length < 3) return '-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]\n';
  const ch = core.channel(argv[0]);
  if (!ch) return '-ERR Cannot locate session!\n';
  const [, action = '', path = ''] = argv;
  if (action === 'start') {
    startRecording(core, ch, path);
    return '+OK Success\n';
  }
  if (action === 'stop') return stopRecording(core, ch, path) ? '+OK Success\n' : '-ERR Cannot stop record session!\n';
  if (action === 'mask' || action === 'unmask') return ch.recordings.has(path) ? '+OK Success\n' : `-ERR Cannot ${action} recording session!\n`;
  return '-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]\n';
}

/** is_dtmf (switch_utils.h): the digits, `*`, `#`, A–D in either case, and `w`/`W` (pauses). */
const DTMF_CHARS = /^[0-9*#A-Da-dwW]$/;
/** switch_core_default_dtmf_duration, min and max (samples at 8 kHz) */
const DTMF_DEFAULT = 2000;
const DTMF_MIN = 400;
const DTMF_MAX = 192000;

/**
 * uuid_send_dtmf <uuid> <dtmf_data> (MC uuid_send_dtmf_function; switch_core_io.c
 * switch_core_session_send_dtmf_string): `+OK <uuid> sent DTMF <data>.` once a digit went out,
 * `-ERR Operation failed` when none did (the channel is down, the text is empty or longer than
 * 99, no digit in it). The data is `digits[@ms]` groups joined by `+`; the channel is
 * pre-answered first. A loopback leg queues the digits on its twin (channel_send_dtmf), a
 * gateway leg to this switch sends them to its far end; other endpoints send them to a far end
 * that is not simulated. `w`/`W` pauses count as sent but queue nothing.
 */
export function uuidSendDtmfApi(core: Core, args: string): string {
  const usage = '-USAGE: <uuid> <dtmf_data>\n';
  const space = args.indexOf(' ');
  if (space < 0) return usage;
  const uuid = args.slice(0, space);
  const data = args.slice(space + 1).trim();
  if (!uuid || !data) return usage;
  const ch = core.channel(uuid);
  if (!ch) return '-ERR Cannot locate session!\n';
  const text = data.startsWith('~') ? data.slice(1) : data;
  if (!text || !ch.ready || text.length > 99) return '-ERR Operation failed\n';
  preAnswer(core, ch);
  let sent = 0;
  let totalSamples = 0;
  for (const part of text.split('+').filter(Boolean)) {
    const at = part.indexOf('@');
    const digits = at < 0 ? part : part.slice(0, at);
    const ms = at < 0 ? 0 : Number.parseInt(part.slice(at + 1), 10) || 0;
    const duration = Math.min(DTMF_MAX, Math.max(DTMF_MIN, ms > DTMF_MIN / 8 ? ms * 8 : DTMF_DEFAULT));
    for (const digit of digits) {
      if (!DTMF_CHARS.test(digit)) continue;
      if (digit !== 'w' && digit !== 'W') sendDtmfToPeer(ch, digit, duration);
      sent++;
      totalSamples += duration + 250 * 8;
    }
  }
  if (totalSamples) ch.setVar('last_dtmf_duration', String(Math.floor(totalSamples / 8)));
  return sent ? `+OK ${uuid} sent DTMF ${data}.\n` : '-ERR Operation failed\n';
}

/**
 * uuid_dump <uuid> [format] (mod_commands.c uuid_dump_function): a CHANNEL_DATA event made for
 * the channel and never fired, serialized as txt (the default: url-encoded values), plain (each
 * value in brackets, not encoded), json or xml. A live channel's answer time is only here, in
 * Caller-Channel-Answered-Time: answer_uepoch is set at hangup (switch_channel_set_timestamps).
 */
export function uuidDumpApi(core: Core, args: string): string {
  const argv = splitWords(args.trim(), 2);
  if (!argv[0]) return '-USAGE: <uuid> [format]\n';
  const ch = core.channel(argv[0]);
  if (!ch) return NO_CHANNEL;
  const event = core.emit.factory
    .create('CHANNEL_DATA', { origin: { file: 'mod_commands.c', func: 'uuid_dump_function', line: 6495 } })
    .channel(channelSnapshot(ch))
    .build();
  const format = (argv[1] ?? 'txt').toLowerCase();
  if (format === 'json') return serializeJson(event);
  if (format === 'xml') return serializeXml(event);
  // switch_event_serialize's encode flag is strcasecmp(format, "plain"): only "plain" is unencoded
  return serializePlain(event, format !== 'plain');
}
