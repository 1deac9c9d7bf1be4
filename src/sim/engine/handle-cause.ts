// What a failed originate does to its caller (switch_channel.c switch_channel_handle_cause), used
// by the bridge app and at the end of a bridge whose far end never answered.
import { causeInList, type CauseName } from './causes.js';
import type { Channel } from './channel.js';
import type { Core } from './core.js';
import { isTrue } from './execution.js';
import { hangup } from './lifecycle.js';

/**
 * switch_channel_handle_cause: continue_on_fail (true, or a list of names/codes) and
 * failure_causes decide; with neither, NO_ANSWER, NO_USER_RESPONSE and ORIGINATOR_CANCEL
 * continue and anything else hangs the caller up with that cause. ATTENDED_TRANSFER never continues.
 */
export function handleCause(core: Core, ch: Channel, cause: CauseName): void {
  if (!ch.ready) return;
  if (cause !== 'ATTENDED_TRANSFER' && continues(ch, cause)) return;
  if (!ch.has('CF_TRANSFER') && ch.state !== 'CS_ROUTING') hangup(core, ch, cause);
}

function continues(ch: Channel, cause: CauseName): boolean {
  const onFail = ch.getVar('continue_on_fail');
  const failureCauses = ch.getVar('failure_causes');
  if (onFail === undefined && failureCauses === undefined) {
    return cause === 'NO_ANSWER' || cause === 'NO_USER_RESPONSE' || cause === 'ORIGINATOR_CANCEL';
  }
  if (failureCauses !== undefined && !causeInList(cause, failureCauses)) return true;
  if (onFail !== undefined) return isTrue(onFail) || causeInList(cause, onFail);
  return false;
}
