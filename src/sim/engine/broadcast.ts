// Queueing an application on a channel from outside (switch_ivr_async.c switch_ivr_broadcast):
// uuid_broadcast, hold music for the partner of a held leg, and the hold-bleg option.
// A broadcast is a private `execute` message with event-lock, so it runs between (or inside)
// the channel's own applications with a fresh Application-UUID.
import type { Channel, PrivateMessage } from './channel.js';
import type { Core } from './core.js';

export interface BroadcastFlags {
  /** run on the named leg (SMF_ECHO_ALEG) */
  aleg: boolean;
  /** also run on its partner (SMF_ECHO_BLEG) */
  bleg: boolean;
  /** the partner hears hold music while it runs (SMF_HOLD_BLEG) */
  holdBleg: boolean;
  /** repeat until stopped (SMF_LOOP) */
  loop: boolean;
}

/** The leg this one is bonded or bridged to (switch_channel_get_partner_uuid). */
export function partnerOf(core: Core, ch: Channel): Channel | undefined {
  return core.channel(ch.getVar('signal_bond') ?? ch.getVar('originate_signal_bond')) ?? ch.bridge?.peer;
}

/** switch_channel_get_hold_music: temp_hold_music, then hold_music (channel or global), expanded. */
export function holdMusic(core: Core, ch: Channel): string | undefined {
  const raw = ch.getVar('temp_hold_music') ?? ch.getVar('hold_music') ?? core.globals.get('hold_music');
  const stream = raw === undefined ? undefined : core.expand(ch, raw);
  return stream && stream.toLowerCase() !== 'silence' ? stream : undefined;
}

function executeMessage(app: string, arg: string, flags: BroadcastFlags): PrivateMessage {
  const headers: Array<[string, string]> = [
    ['call-command', 'execute'],
    ['execute-app-name', app],
    ['execute-app-arg', arg],
    ['event-lock', 'true'],
    ['lead-frames', '5'],
  ];
  if (flags.loop) headers.push(['loops', '-1']);
  if (flags.holdBleg) headers.push(['hold-bleg', 'true']);
  return { headers };
}

/** `<path>` plays it; `<app>::<args>` runs the app; `app!cause` hangs up afterwards. */
export function broadcast(core: Core, ch: Channel, path: string, flags: BroadcastFlags): void {
  let app = 'playback';
  let arg = path;
  const sep = path.indexOf('::');
  if (sep >= 0) {
    app = path.slice(0, sep);
    arg = path.slice(sep + 2);
  }
  let cause: string | undefined;
  const bang = app.indexOf('!');
  if (bang >= 0) {
    cause = app.slice(bang + 1) || 'normal_clearing';
    app = app.slice(0, bang);
  }
  const partner = flags.bleg ? partnerOf(core, ch) : undefined;
  if (partner) partner.queueMessage(executeMessage(app, arg, flags));
  if (flags.aleg) ch.queueMessage(executeMessage(app, arg, flags));
  if (cause) ch.queueMessage(executeMessage('hangup', cause, { ...flags, loop: false, holdBleg: false }));
}

/** switch_channel_stop_broadcast: a running broadcast ends (its file breaks, its loop stops). */
export function stopBroadcast(ch: Channel): void {
  if (!ch.has('CF_BROADCAST')) return;
  ch.flags.add('CF_STOP_BROADCAST');
  ch.flag('CF_BREAK');
}
