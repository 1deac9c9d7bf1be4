// The dialplan the simulated switch routes with: our generated XML files, read from a folder
// laid out like FreeSWITCH's conf/dialplan (one folder per context, public/*.xml included by
// public.xml), interpreted by src/dialplan's matchExtension (mod_dialplan_xml.c dialplan_hunt).
// A file directly in the folder holds a whole `<context name="…">`, as conf/dialplan/*.xml do
// (freeswitch.xml includes them into the dialplan section): the shipped test context
// dialplan/cti_test.xml is one. Such a file holds one context here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { matchExtension } from '../../dialplan/index.js';
import type { Channel } from './channel.js';
import type { DialplanApp, DialplanHunt } from './core.js';

/** Caller-profile fields a condition can name (switch_caller_get_field_by_name). */
function profileFields(ch: Channel): Record<string, string> {
  const p = ch.profile;
  return {
    destination_number: p.destinationNumber,
    caller_id_name: p.callerIdName,
    caller_id_number: p.callerIdNumber,
    ani: p.ani,
    aniii: p.aniii,
    rdnis: p.rdnis,
    source: p.source,
    context: p.context,
    dialplan: p.dialplan,
    network_addr: p.networkAddr,
    username: p.username,
    uuid: ch.uuid,
    chan_name: ch.name,
  };
}

export class DialplanFiles implements DialplanHunt {
  private contexts = new Map<string, string[]>();

  constructor(private readonly dir: string) {
    const error = this.reload();
    if (error) throw new Error(error);
  }

  /** Reads every context folder again (reloadxml); an error text, or null when all parsed. */
  reload(): string | null {
    const next = new Map<string, string[]>();
    try {
      for (const entry of readdirSync(this.dir).sort()) {
        const path = join(this.dir, entry);
        if (!statSync(path).isDirectory()) {
          if (!entry.endsWith('.xml')) continue;
          const xml = readFileSync(path, 'utf8');
          const names = [...xml.matchAll(/<context\s+name="([^"]*)"/g)].map((m) => m[1]!);
          if (names.length > 1) throw new Error(`${path}: one <context> per file, found ${names.join(', ')}`);
          if (names[0]) next.set(names[0], [...(next.get(names[0]) ?? []), xml]);
          continue;
        }
        const files = readdirSync(path)
          .filter((f) => f.endsWith('.xml'))
          .sort();
        next.set(entry, [...(next.get(entry) ?? []), ...files.map((f) => readFileSync(join(path, f), 'utf8'))]);
      }
    } catch (err) {
      return (err as Error).message;
    }
    this.contexts = next;
    return null;
  }

  hunt(ch: Channel, context: string): { extension: string; apps: DialplanApp[] } | null {
    const channel = { ...Object.fromEntries(ch.vars), ...profileFields(ch) };
    for (const xml of this.contexts.get(context) ?? []) {
      const found = matchExtension(xml, channel);
      if (found) return { extension: found.extension, apps: found.actions };
    }
    return null;
  }
}
