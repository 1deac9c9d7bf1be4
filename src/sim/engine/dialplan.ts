// The dialplan the simulated switch routes with: our generated XML files, read from a folder
// laid out like FreeSWITCH's conf/dialplan (one folder per context, public/*.xml included by
// public.xml), interpreted by src/dialplan's matchExtension (mod_dialplan_xml.c dialplan_hunt).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { matchExtension } from '../../dialplan/index.js';
import type { Channel } from './channel.js';
import type { DialplanApp, DialplanHunt } from './core.js';

/** Caller-profile fields a condition can name (switch_caller_get_field_by_name). */
function profileFields(ch: Channel): Record<string, string> {
  const p = ch.profile;
  return {
    destination_number: p.destinationNumber, caller_id_name: p.callerIdName, caller_id_number: p.callerIdNumber,
    ani: p.ani, aniii: p.aniii, rdnis: p.rdnis, source: p.source, context: p.context, dialplan: p.dialplan,
    network_addr: p.networkAddr, username: p.username, uuid: ch.uuid, chan_name: ch.name,
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
      for (const context of readdirSync(this.dir)) {
        const folder = join(this.dir, context);
        if (!statSync(folder).isDirectory()) continue;
        const files = readdirSync(folder).filter((f) => f.endsWith('.xml')).sort();
        next.set(context, files.map((f) => readFileSync(join(folder, f), 'utf8')));
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
