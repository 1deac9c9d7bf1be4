// Hold and unhold (switch_ivr.c switch_ivr_hold / switch_ivr_unhold; the callstate and hold
// times follow switch_channel.c mark_hold): the held leg's partner hears the hold music as a
// looping broadcast, which unhold stops.
import type { Channel } from './channel.js';
import type { Core } from './core.js';
import { broadcast, holdMusic, partnerOf, stopBroadcast } from './broadcast.js';
import { setCallState } from './lifecycle.js';
import { SITES } from './sites.js';

export function hold(core: Core, ch: Channel): boolean {
  if (ch.callState === 'HELD') return false;
  ch.flags.add('CF_HOLD');
  const partner = partnerOf(core, ch);
  const stream = holdMusic(core, ch);
  if (partner && stream) broadcast(core, partner, stream, { aleg: true, bleg: false, holdBleg: false, loop: true });
  core.emit.channel('CHANNEL_HOLD', ch, { site: SITES.hold });
  setCallState(core, ch, 'HELD');
  ch.profile.times.lastHold = core.now();
  return true;
}

export function unhold(core: Core, ch: Channel): boolean {
  if (ch.callState !== 'HELD') return false;
  ch.flags.delete('CF_HOLD');
  const partner = partnerOf(core, ch);
  if (partner) stopBroadcast(partner);
  core.emit.channel('CHANNEL_UNHOLD', ch, { site: SITES.unhold });
  setCallState(core, ch, 'UNHELD');
  const t = ch.profile.times;
  if (t.lastHold) t.holdAccum += core.now() - t.lastHold;
  return true;
}
