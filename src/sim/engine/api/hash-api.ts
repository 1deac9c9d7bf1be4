// mod_hash's `hash` API (mod_hash.c hash_api_function): a switch-wide key/value store that lives
// as long as the switch does. The text is split on "/" into at most four parts, so a value may
// hold further slashes; the key is `<realm>_<key>`. `select` of a missing key writes nothing.
import type { Core } from '../core.js';

const USAGE = '-ERR Usage: hash insert|insert_ifempty|select|delete|delete_ifmatch/realm/key[/value]\n';

/**
 * switch_separate_string(…, '/', argv, 4): the fourth part keeps the rest of the text, and a
 * part is only started where text follows (a trailing "/" adds none). Quotes and backslash
 * escapes, which it also reads, are not: keys and values here are uuids and numbers.
 */
function splitFour(text: string): string[] {
  const parts: string[] = [];
  let from = 0;
  while (from < text.length) {
    const slash = parts.length === 3 ? -1 : text.indexOf('/', from);
    parts.push(text.slice(from, slash < 0 ? undefined : slash).trim());
    if (slash < 0) break;
    from = slash + 1;
  }
  return parts;
}

export function hashApi(core: Core, args: string): string {
  const argv = args ? splitFour(args) : [];
  if (argv.length < 3 || !argv[0]) return USAGE;
  const [verb = '', realm, key, value] = argv;
  const id = `${realm}_${key}`;
  const db = core.hashDb;
  switch (verb.toLowerCase()) {
    case 'insert':
      if (value === undefined) return USAGE;
      db.set(id, value);
      return '+OK\n';
    case 'insert_ifempty':
      if (value === undefined) return USAGE;
      if (db.has(id)) return '-ERR key already exists\n';
      db.set(id, value);
      return '+OK\n';
    case 'delete':
      return db.delete(id) ? '+OK\n' : '-ERR Not found\n';
    case 'delete_ifmatch':
      if (value === undefined) return USAGE;
      if (!db.has(id)) return '-ERR Not found\n';
      if (db.get(id) !== value) return "-ERR Doesn't match\n";
      db.delete(id);
      return '+OK\n';
    case 'select':
      return db.get(id) ?? '';
    default:
      return USAGE;
  }
}
