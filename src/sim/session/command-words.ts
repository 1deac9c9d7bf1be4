// Small readings of command text that mod_event_socket does with C string functions.

import type { Headers } from '../contracts.js';
import { stripCr } from '../wire/command-reader.js';

/** strncasecmp(cmd, word, strlen(word)) == 0 */
export function startsWithWord(cmd: string, word: string): boolean {
  return cmd.slice(0, word.length).toLowerCase() === word.toLowerCase();
}

/** The text after `skip` characters, leading spaces dropped, up to the end of the line; undefined when the line ends there. */
export function argumentAfter(cmd: string, skip: number): string | undefined {
  let rest = cmd.slice(skip);
  while (rest.startsWith(' ')) rest = rest.slice(1);
  if (rest === '' || rest.startsWith('\r') || rest.startsWith('\n')) return undefined;
  return stripCr(rest);
}

/** Splits at the first space: "originate sofia/x &park" → ["originate", "sofia/x &park"]. */
export function splitFirstSpace(text: string): [string, string | undefined] {
  const space = text.indexOf(' ');
  return space < 0 ? [text, undefined] : [text.slice(0, space), text.slice(space + 1)];
}

/** First header of that name, case-insensitive (switch_event_get_header). */
export function packetHeader(headers: Headers, name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** switch_true (src/include/switch_utils.h): yes/on/true/t/enabled/active/allow, or a non-zero number. */
export function switchTrue(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (/^(yes|on|true|t|enabled|active|allow)$/i.test(value)) return true;
  return /^-?\d+$/.test(value) && Number(value) !== 0;
}

const LOG_LEVELS = ['DISABLE', 'CONSOLE', 'ALERT', 'CRIT', 'ERR', 'WARNING', 'NOTICE', 'INFO', 'DEBUG'];
const LOG_INVALID = 64;

/** switch_log_str2level (src/switch_log.c ~393): a number is clamped, a name is looked up; null when unknown. */
export function logLevel(text: string): number | null {
  if (/^[-+]?[0-9.]*$/.test(text)) {
    const n = Number.parseInt(text, 10) || 0;
    if (n > LOG_INVALID) return LOG_INVALID - 1;
    if (n === LOG_INVALID) return null;
    return Math.max(n, 0);
  }
  const index = LOG_LEVELS.findIndex((name) => name.toLowerCase() === text.toLowerCase());
  return index < 0 ? null : index - 1;
}

/** A reply goes through a 512-byte buffer in MES: 511 bytes at most. */
export function clipReply(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= 511 ? text : bytes.subarray(0, 511).toString('utf8');
}
