// Text that is safe twice over: as XML, and as a line of FreeSWITCH's config preprocessor
// (switch_xml.c preprocess()), which reads every file line by line BEFORE any XML parsing:
//  - a line containing `<include>`, `</include>` or `<?` is dropped whole;
//  - a line containing `X-PRE-PROCESS` (any case) is run as a command or dropped;
//  - `$${name}` is replaced by a global variable on every line, comments included;
//  - `<!--#` starts a special comment.
// Generated structure keeps those tokens on lines of their own; text from the config goes through
// the two functions below so that a hotline name can never break the file.

const PREPROCESS_COMMAND = /x-pre-process/gi;

/** An attribute value between double quotes. */
export function attr(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;')
    .replace(/\$\$/g, '$&#36;')
    .replace(PREPROCESS_COMMAND, (m) => m.replace('-', '&#45;'));
}

/**
 * One line of comment text. XML forbids `--` inside a comment and a `-` right before `-->`;
 * entities are not decoded there, so the preprocessor tokens are broken up with a space instead.
 * Everything else, Chinese text and `<&">` included, is kept as it is.
 */
export function commentText(value: string): string {
  let text = value.replace(/[\r\n\t]+/g, ' ');
  while (text.includes('--')) text = text.replace(/--/g, '- -');
  text = text
    .replace(/\$\$/g, '$ $')
    .replace(/<\?/g, '< ?')
    .replace(/<(\/?include>)/gi, '< $1')
    .replace(PREPROCESS_COMMAND, (m) => m.replace('-', ' '));
  return text.endsWith('-') ? `${text} ` : text;
}
