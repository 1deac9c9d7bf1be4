// set, export, unset, multiset (mod_dptools.c base_set, export_function, unset_function,
// multiset_function). They only change variables; the new value already shows in the
// app's own CHANNEL_EXECUTE_COMPLETE.
import type { AppCall, AppSpec } from '../core.js';

/** `name=value`, or `name,value` when there is no `=`; an empty value unsets. */
export function splitAssignment(arg: string): [string, string] | null {
  const eq = arg.indexOf('=');
  const comma = arg.indexOf(',');
  const at = eq >= 0 ? eq : comma;
  if (at <= 0) return at < 0 && arg.trim() ? [arg.trim(), ''] : null;
  return [arg.slice(0, at).trim(), arg.slice(at + 1)];
}

async function set({ ch, arg }: AppCall): Promise<void> {
  const pair = splitAssignment(arg);
  if (pair) ch.setVar(pair[0], pair[1]);
}

/** export: local too unless `nolocal:`; the name joins export_vars so later legs inherit it. */
async function exportVar({ ch, arg }: AppCall): Promise<void> {
  const local = !arg.startsWith('nolocal:');
  const pair = splitAssignment(local ? arg : arg.slice('nolocal:'.length));
  if (!pair) return;
  const [name, value] = pair;
  if (local) ch.setVar(name, value);
  else ch.setVar(`nolocal:${name}`, value);
  const list = (ch.getVar('export_vars') ?? '').split(',').filter(Boolean);
  if (!list.includes(name)) ch.setVar('export_vars', [...list, name].join(','));
}

async function unset({ ch, arg }: AppCall): Promise<void> {
  if (arg.trim()) ch.setVar(arg.trim(), undefined);
}

/** multiset a=1 b=2 (or ^^<sep> to change the separator). */
async function multiset({ ch, arg }: AppCall): Promise<void> {
  let sep = ' ';
  let rest = arg;
  if (rest.startsWith('^^') && rest.length > 2) {
    sep = rest[2]!;
    rest = rest.slice(3);
  }
  for (const item of rest.split(sep)) {
    const pair = splitAssignment(item);
    if (pair) ch.setVar(pair[0], pair[1]);
  }
}

export const VARIABLE_APPS: Record<string, AppSpec> = {
  set: { run: set, noMedia: true, zombie: true },
  export: { run: exportVar, noMedia: true, zombie: true },
  unset: { run: unset, noMedia: true, zombie: true },
  multiset: { run: multiset, noMedia: true, zombie: true },
};
