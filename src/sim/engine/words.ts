// Splitting a command line or application argument the way FreeSWITCH does
// (switch_utils.c switch_separate_string): on spaces, single quotes group words, and the last
// slot keeps the rest of the line.

/** switch_separate_string on spaces, honouring single quotes, at most `max` words (the last keeps the rest). */
export function splitWords(text: string, max: number): string[] {
  const words: string[] = [];
  let rest = text.trim();
  while (rest && words.length < max - 1) {
    if (rest.startsWith("'")) {
      const end = rest.indexOf("'", 1);
      words.push(end < 0 ? rest.slice(1) : rest.slice(1, end));
      rest = end < 0 ? '' : rest.slice(end + 1).trim();
      continue;
    }
    const space = rest.indexOf(' ');
    words.push(space < 0 ? rest : rest.slice(0, space));
    rest = space < 0 ? '' : rest.slice(space + 1).trim();
  }
  if (rest) words.push(rest.replace(/^'|'$/g, ''));
  return words;
}

/** The text before and after the first space (a SWITCH_STANDARD_API's `cmd` after its first word). */
export function restAfterSpace(text: string): [string, string] {
  const i = text.indexOf(' ');
  return i < 0 ? [text, ''] : [text.slice(0, i), text.slice(i + 1)];
}
