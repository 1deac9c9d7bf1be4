// `originate <dial string> <exten>|&<app>(<args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]`
// (mod_commands.c originate_function): "+OK <uuid>\n" once a leg is up, "-ERR <CAUSE>\n" otherwise.
// The new leg then runs the one application (a one-app extension, state CS_EXECUTE), or is
// transferred to <exten> in <dialplan>/<context> and routes like an inbound call.
import type { Core } from '../core.js';
import { setState } from '../lifecycle.js';
import { originate } from '../originate.js';
import { sessionTransfer } from '../transfer.js';
import { splitWords } from '../words.js';

export const ORIGINATE_USAGE = '-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n';

export async function originateApi(core: Core, args: string): Promise<string> {
  if (!args.trim()) return ORIGINATE_USAGE;
  const argv = splitWords(args.trim(), 10).map((w) => (w.toLowerCase() === 'undef' ? undefined : w));
  if (argv.length < 2 || argv.length > 7) return ORIGINATE_USAGE;
  const [dial = '', exten = '', dialplan = 'XML', context = 'default', cidName, cidNumber, timeout] = argv;
  const timeoutS = timeout === undefined ? 60 : Number.parseInt(timeout, 10) || 0;
  const outcome = await originate(core, { dial, cidName, cidNumber, timeoutS: timeoutS > 0 ? timeoutS : undefined });
  if ('cause' in outcome) return `-ERR ${outcome.cause}\n`;
  const leg = outcome.leg;
  if (exten.startsWith('&') && exten.length > 1) {
    // The text is cut at the first ")" and split at the first "(".
    const body = exten.slice(1).split(')')[0] ?? '';
    const open = body.indexOf('(');
    const app = open < 0 ? body : body.slice(0, open);
    const data = open < 0 ? '' : body.slice(open + 1);
    leg.extension = { name: app, apps: [{ application: app, data }], next: 0 };
    setState(leg, 'CS_EXECUTE');
  } else {
    sessionTransfer(core, leg, exten, dialplan, context);
  }
  return `+OK ${leg.uuid}\n`;
}
