// The bridge app (mod_dptools.c audio_bridge_function): originate with the channel as caller,
// then bridge; on failure originate_failed_cause and switch_channel_handle_cause
// (switch_channel.c), which hangs the caller up unless the cause is one to continue on.
import { causeInList, type CauseName } from '../causes.js';
import type { AppCall, AppSpec, Core } from '../core.js';
import type { Channel } from '../channel.js';
import { afterBridge, bridgeLegs } from '../bridging.js';
import { isTrue } from '../execution.js';
import { hangup } from '../lifecycle.js';
import { originate } from '../originate.js';

async function bridge({ core, ch, arg }: AppCall): Promise<void> {
  if (!arg.trim()) return;
  const outcome = await originate(core, { dial: arg, caller: ch });
  if ('cause' in outcome) {
    ch.setVar('originate_failed_cause', outcome.cause);
    handleCause(core, ch, outcome.cause);
    return;
  }
  await bridgeLegs(core, ch, outcome.leg, 'app');
  afterBridge(core, ch, outcome.leg);
}

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

export const BRIDGE_APPS: Record<string, AppSpec> = {
  bridge: { run: bridge, noMedia: true },
};
