// status, version, reloadxml, sofia status, hupall, show (mod_commands.c status_function,
// version_function, reload_xml_function, hupall_api_function, show_function; mod_sofia.c cmd_status).
import { parseCause } from '../causes.js';
import { CALL_COLUMNS, CHANNEL_COLUMNS, rowsAsJson, rowsAsText, type ChannelTable } from '../channel-table.js';
import type { Core } from '../core.js';
import { hangup } from '../lifecycle.js';
import { splitWords } from '../words.js';

/** What the simulated switch reports about itself. */
export interface SwitchFacts {
  startedUs: number;
  sessionsSinceStart: () => number;
  peakSessions: () => number;
  gateways: string[];
  localIp: string;
  reload: () => string | null;
}

export const VERSION = '1.10.12-release';
export const VERSION_HUMAN = '1.10.12-release git cc93a68 64bit';

export function versionApi(args: string): string {
  if (/short/i.test(args)) return '1.10.12\n';
  return `FreeSWITCH Version ${VERSION}+git~cc93a683~64bit (${VERSION_HUMAN})\n`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The plain-text status of status_function (not the HTML form). */
export function statusApi(core: Core, facts: SwitchFacts): string {
  let us = Math.max(0, core.now() - facts.startedUs);
  const take = (unit: number) => {
    const n = Math.floor(us / unit);
    us -= n * unit;
    return n;
  };
  const year = take(365 * 86_400_000_000);
  const day = take(86_400_000_000);
  const hour = take(3_600_000_000);
  const minute = take(60_000_000);
  const second = take(1_000_000);
  const ms = take(1000);
  const count = core.channels.size;
  return [
    `UP ${plural(year, 'year')}, ${plural(day, 'day')}, ${plural(hour, 'hour')}, ${plural(minute, 'minute')}, ` +
      `${plural(second, 'second')}, ${plural(ms, 'millisecond')}, ${plural(us, 'microsecond')}\n`,
    `FreeSWITCH (Version ${VERSION_HUMAN}) is ready\n`,
    `${facts.sessionsSinceStart()} session(s) since startup\n`,
    `${count} session(s) - peak ${facts.peakSessions()}, last 5min ${facts.peakSessions()} \n`,
    `0 session(s) per Sec out of max 30, peak 0, last 5min 0 \n`,
    `1000 session(s) max\n`,
    `min idle cpu 0.00/100.00\n`,
    `Current Stack Size/Max 240K/8192K\n`,
  ].join('');
}

export function reloadXmlApi(facts: SwitchFacts): string {
  const error = facts.reload();
  return `+OK [${error ?? 'Success'}]\n`;
}

const LINE = '='.repeat(97);
const pad = (text: string, width: number) => text.padStart(width);

/** `sofia status`: the profiles and the gateways of the external profile, as cmd_status prints them. */
export function sofiaApi(facts: SwitchFacts, args: string): string {
  if (!/^status\s*$/i.test(args.trim())) return `-ERR sofia ${args.trim()} is not simulated\n`;
  const rows = [
    `${pad('Name', 25)}\t${'   Type'}\t  ${pad('Data', 40)}\tState\n`,
    `${LINE}\n`,
    `${pad('external', 25)}\tprofile\t  ${pad(`sip:mod_sofia@${facts.localIp}:5080`, 40)}\tRUNNING (0)\n`,
    ...facts.gateways.map((g) => `${pad(`external::${g}`, 25)}\tgateway\t  ${pad(`sip:${g}`, 40)}\tNOREG\n`),
    `${pad('internal', 25)}\tprofile\t  ${pad(`sip:mod_sofia@${facts.localIp}:5060`, 40)}\tRUNNING (0)\n`,
    `${LINE}\n`,
    `2 profiles 0 aliases\n`,
  ];
  return rows.join('');
}

/** hupall [<cause> [<var> <value>]...]: always +OK, even when nothing matched. */
export function hupallApi(core: Core, args: string): string {
  const argv = args.trim() ? splitWords(args.trim(), 11) : [];
  const cause = argv[0] ? nonNone(parseCause(argv[0])) : 'MANAGER_REQUEST';
  const pairs: Array<[string, string]> = [];
  for (let i = 1; i < argv.length - 1; i += 2) if (argv[i] && argv[i + 1]) pairs.push([argv[i]!, argv[i + 1]!]);
  for (const ch of [...core.channels.values()]) {
    if (pairs.every(([name, value]) => ch.getVar(name) === value)) hangup(core, ch, cause);
  }
  if (pairs.length === 0) return `+OK hangup all channels with cause ${cause}\n`;
  const more = pairs.length > 1 ? '...' : '';
  return `+OK hangup all channels matching [${argv[1]}]=[${argv[2]}]${more} with cause: ${cause}\n`;
}

function nonNone(cause: string): string {
  return cause === 'NONE' ? 'MANAGER_REQUEST' : cause;
}

/** show channels|calls [count] [as json|delim <d>]. */
export function showApi(table: ChannelTable, args: string): string {
  const argv = args.trim().split(/\s+/).filter(Boolean);
  const what = argv[0]?.toLowerCase();
  if (what !== 'channels' && what !== 'calls') return `-ERR show ${args.trim()} is not simulated\n`;
  const count = argv[1]?.toLowerCase() === 'count';
  const asAt = argv.findIndex((w) => w.toLowerCase() === 'as');
  const format = asAt >= 0 ? (argv[asAt + 1] ?? '').toLowerCase() : 'delim';
  const rows = what === 'channels' ? table.channelRows() : table.callRows();
  const columns = what === 'channels' ? CHANNEL_COLUMNS : CALL_COLUMNS;
  if (format === 'json') return count ? `{"row_count":${rows.length},"rows":[]}` : rowsAsJson(rows, columns);
  if (format === 'delim' || format === 'csv') return count ? `\n${rows.length} total.\n` : rowsAsText(rows, columns);
  return `-ERR Cannot find format ${argv[asAt + 1] ?? ''}\n`;
}
