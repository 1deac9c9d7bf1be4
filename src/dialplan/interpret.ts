// A small interpreter of the dialplan subset we generate (dialplan/cti-dialplan.xsd), following
// FreeSWITCH's mod_dialplan_xml.c (dialplan_hunt, parse_exten) so that tests, and later the
// FreeSWITCH simulator, route calls the way the real switch would:
//  - extensions are tried in file order; hunting stops at the first one that "proceeds"
//    unless it has continue="true";
//  - a condition without a field always passes; a field is a caller profile field
//    (destination_number, caller_id_number, ...) or `${channel_variable}`; a missing value is "";
//  - a passing condition adds its actions (with $1.. taken from the expression's groups), a
//    failing one its anti-actions; break="on-false" (the default) stops at the first failure;
//  - actions are collected as they are added, so a partly matching extension still leaves its
//    actions behind, as in FreeSWITCH; the result is named after the first extension that added one.
// Not supported (and not generated): nested conditions, regex="all|any|xor", time-of-day attributes.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface MatchedAction {
  application: string;
  data: string;
}

export interface MatchedExtension {
  extension: string;
  actions: MatchedAction[];
}

interface XmlNode {
  tag: string;
  attrs: Record<string, string>;
  text: string;
  children: XmlNode[];
}

type Channel = Map<string, string>;

const UNSUPPORTED_CONDITION_ATTRS = [
  'regex',
  'wday',
  'mon',
  'mday',
  'yday',
  'week',
  'mweek',
  'hour',
  'minute',
  'minute-of-day',
  'time-of-day',
  'date-time',
  'year',
  'tz',
  'tz-offset',
  'dst',
];

/**
 * The extension FreeSWITCH would pick for a channel, and its actions in order; null when no
 * extension matches (FreeSWITCH would refuse the call: NO_ROUTE_DESTINATION).
 * `channel` holds caller profile fields and channel variables by name.
 */
export function matchExtension(xml: string, channel: Record<string, string>): MatchedExtension | null {
  const vars: Channel = new Map(Object.entries(channel));
  let matched: MatchedExtension | null = null;
  for (const extension of parseExtensions(xml)) {
    const name = extension.attrs.name ?? 'UNKNOWN';
    const added: MatchedAction[] = [];
    const proceed = huntExtension(extension, vars, added);
    if (added.length > 0) {
      matched ??= { extension: name, actions: [] };
      matched.actions.push(...added);
    }
    if (proceed && extension.attrs.continue !== 'true') break;
  }
  return matched;
}

/** Conditions in order; returns whether the extension "proceeds" (parse_exten's result). */
function huntExtension(extension: XmlNode, vars: Channel, added: MatchedAction[]): boolean {
  let proceed = false;
  for (const condition of extension.children.filter((c) => c.tag === 'condition')) {
    const groups = evaluate(condition, vars);
    const pass = groups !== null;
    const list = condition.children.filter((c) => c.tag === (pass ? 'action' : 'anti-action'));
    for (const node of list) added.push(runAction(node, groups, vars));
    proceed = pass || list.length > 0;
    const rule = condition.attrs.break ?? 'on-false';
    if (rule === 'always' || (rule === 'on-true' && pass) || (rule === 'on-false' && !pass)) break;
  }
  return proceed;
}

/** The regex groups when the condition passes (empty for a condition without a field), else null. */
function evaluate(condition: XmlNode, vars: Channel): string[] | null {
  const unsupported = UNSUPPORTED_CONDITION_ATTRS.find((a) => a in condition.attrs);
  if (unsupported) throw new Error(`matchExtension: condition attribute "${unsupported}" is not supported`);
  if (condition.children.some((c) => c.tag === 'condition')) throw new Error('matchExtension: nested conditions are not supported');
  const { field, expression } = condition.attrs;
  if (field === undefined) return [];
  const value = field.includes('$') ? expand(field, vars) : (vars.get(field) ?? '');
  const match = new RegExp(expand(expression ?? '', vars)).exec(value);
  return match ? [...match].map((g) => g ?? '') : null;
}

function runAction(node: XmlNode, groups: string[] | null, vars: Channel): MatchedAction {
  const application = node.attrs.application ?? '';
  const raw = node.attrs.data ?? node.text;
  // FreeSWITCH substitutes $1.. only when the expression had groups; `${var}` is left for run time.
  const data = groups && groups.length > 1 ? raw.replace(/\$(\d)/g, (_, n: string) => groups[Number(n)] ?? '') : raw;
  // inline="true" runs at hunt time, so an inline `set` is seen by the conditions that follow.
  if (node.attrs.inline === 'true' && application === 'set') inlineSet(data, vars);
  return { application, data };
}

function inlineSet(data: string, vars: Channel): void {
  const eq = data.indexOf('=');
  if (eq > 0) vars.set(data.slice(0, eq), data.slice(eq + 1));
}

/** `${name}` replaced by the channel's value, or "" when it has none. */
function expand(text: string, vars: Channel): string {
  return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => vars.get(name) ?? '');
}

let lastParsed: { xml: string; extensions: XmlNode[] } | null = null;

/** The `extension` elements of an `<include>` (or `<include><context>`) document, parsed once per text. */
function parseExtensions(xml: string): XmlNode[] {
  if (lastParsed?.xml === xml) return lastParsed.extensions;
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`matchExtension: not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const root = toNodes(parser.parse(xml) as unknown[]).find((n) => n.tag === 'include');
  if (!root) throw new Error('matchExtension: the document has no <include> root');
  const holder = root.children.find((n) => n.tag === 'context') ?? root;
  const extensions = holder.children.filter((n) => n.tag === 'extension');
  lastParsed = { xml, extensions };
  return extensions;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** fast-xml-parser's preserveOrder shape ([{tag: [...children], ':@': {attrs}}]) as plain nodes. */
function toNodes(raw: unknown[]): XmlNode[] {
  const nodes: XmlNode[] = [];
  for (const item of raw as Array<Record<string, unknown>>) {
    const tag = Object.keys(item).find((k) => k !== ':@');
    if (tag === undefined || tag === '#text') continue;
    const children = (item[tag] ?? []) as unknown[];
    const text = (children as Array<Record<string, unknown>>).map((c) => (typeof c['#text'] === 'string' ? c['#text'] : '')).join('');
    nodes.push({ tag, attrs: (item[':@'] ?? {}) as Record<string, string>, text, children: toNodes(children) });
  }
  return nodes;
}
