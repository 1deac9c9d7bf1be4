// The bridge app (mod_dptools.c audio_bridge_function): originate with the channel as caller,
// then bridge; on failure originate_failed_cause and switch_channel_handle_cause
// (switch_channel.c), which hangs the caller up unless the cause is one to continue on.
import type { AppCall, AppSpec } from '../core.js';
import { afterBridge, bridgeLegs } from '../bridging.js';
import { handleCause } from '../handle-cause.js';
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

export const BRIDGE_APPS: Record<string, AppSpec> = {
  bridge: { run: bridge, noMedia: true },
};
