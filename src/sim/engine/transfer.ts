// Blind transfer of a channel back through routing (switch_ivr.c switch_ivr_session_transfer):
// a new caller profile with the new destination (the old one becomes RDNIS), max_forwards
// counted down, transfer_source / transfer_history, CF_TRANSFER so the running application
// returns, and state CS_ROUTING so the session hunts the dialplan again.
import type { Channel } from './channel.js';
import { emptyTimes } from './channel.js';
import { epochSeconds } from './clock.js';
import type { Core } from './core.js';
import { hangup, setState } from './lifecycle.js';

export function sessionTransfer(core: Core, ch: Channel, extension: string, dialplan?: string, context?: string): boolean {
  const forwards = Number.parseInt(ch.getVar('max_forwards') ?? '71', 10) - 1;
  if (!(forwards > 0)) {
    hangup(core, ch, 'EXCHANGE_ROUTING_ERROR');
    return false;
  }
  ch.setVar('max_forwards', String(forwards));
  ch.setVar('temp_hold_music', undefined);
  const old = ch.profile;
  const useDialplan = dialplan || (old.dialplan.toLowerCase() === 'inline' ? '' : old.dialplan) || 'XML';
  const useContext = context || old.context || 'default';
  const exten = extension || 'service';
  stepProfile(core, ch, { dialplan: useDialplan, context: useContext, destinationNumber: exten, rdnis: old.destinationNumber });
  ch.setVar('signal_bond', undefined);
  ch.bridge?.peer.setVar('signal_bond', undefined);
  ch.extension = null;
  ch.flag('CF_TRANSFER');
  setState(ch, 'CS_ROUTING');
  const source = `${epochSeconds(core.now())}:${ch.uuid}:bl_xfer:${exten}/${useContext}/${useDialplan}`;
  ch.profile.transferSource = source;
  pushArray(ch, 'transfer_history', source);
  ch.setVar('transfer_source', source);
  return true;
}

/**
 * switch_channel_set_caller_profile with a clone: a new profile index and creation time; the
 * created, answered, progress and hangup times carry over, bridge and hold times start again,
 * and the old profile's transfer time is the new profile's creation.
 */
export function stepProfile(core: Core, ch: Channel, change: Partial<Channel['profile']>): void {
  const old = ch.profile;
  const now = core.now();
  old.times.transferred = now;
  const times = {
    ...emptyTimes(),
    profileCreated: now,
    created: old.times.created,
    answered: old.times.answered,
    progress: old.times.progress,
    progressMedia: old.times.progressMedia,
    hungup: old.times.hungup,
  };
  Object.assign(ch.profile, { ...structuredClone(old), ...change, times, profileIndex: old.profileIndex + 1 });
}

/** Adds to an ARRAY:: variable (switch_channel_add_variable_var_check with SWITCH_STACK_PUSH). */
export function pushArray(ch: Channel, name: string, value: string): void {
  const old = ch.getVar(name);
  if (old === undefined) ch.setVar(name, value);
  else if (old.startsWith('ARRAY::')) ch.setVar(name, `${old}|:${value}`);
  else ch.setVar(name, `ARRAY::${old}|:${value}`);
}
