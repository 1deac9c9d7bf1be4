// Splitting an API command line the way mod_commands does: switch_separate_string on spaces,
// where single quotes group words and the last slot keeps the rest of the line.
export { splitWords } from '../apps/media.js';

/** The text after the first space, or "" (the `cmd` of a SWITCH_STANDARD_API after its first word). */
export function restAfterSpace(text: string): [string, string] {
  const i = text.indexOf(' ');
  return i < 0 ? [text, ''] : [text.slice(0, i), text.slice(i + 1)];
}
