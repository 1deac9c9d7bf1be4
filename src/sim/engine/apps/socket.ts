// The outbound Event Socket app (mod_event_socket.c socket_function): try each host in turn;
// when none accepts, log "Socket Error!" and return, so the dialplan's next action runs. With
// `async`, wait until the controller sends `connect` or the listener ends, then switch_ivr_park
// (CHANNEL_PARK) and run its sendmsg commands until the connection ends. After the park, a
// channel not in CS_HIBERNATE and not being transferred, redirected or reset (CF_RESET) is set
// to CS_EXECUTE when socket_resume (or the `resume` command) is set. A listener that ended with
// socket_resume had set CS_RESET (listener_run `done:`, see SimEngine.socketClosed), which ended
// whatever ran inside the park; this brings the channel back, and the extension's next action
// runs. Without socket_resume the channel was never reset and is in CS_EXECUTE anyway, so the
// next action runs too; only a channel the controller transferred, bridged or hung up does not
// come back, and one whose extension a bridge replaced (exec_after_bridge_app, CF_RESET) starts
// the new one (session-loop.ts).
// A listener that ends BEFORE the park (the controller closed, or sent nothing within the 25 s
// first-packet limit) is different: with socket_resume the channel is in CS_RESET, so
// switch_ivr_park returns at once without an event and the next action runs; without it
// nothing will ever clear CF_CONTROLLED again, so the channel stays parked until it hangs up or
// is moved.
import type { AppCall, AppSpec } from '../core.js';
import { interrupted, isTrue, processMessages, tick } from '../execution.js';
import { setState } from '../lifecycle.js';
import { parkChannel } from './call-control.js';

interface Target {
  host: string;
  port: number;
}

/** `host[:port][/path]` items separated by `|`; the port defaults to 8084. */
function targets(first: string): Target[] {
  return first
    .split('|')
    .filter(Boolean)
    .map((item) => {
      const colon = item.lastIndexOf(':');
      const host = colon > 0 ? item.slice(0, colon) : item;
      const port = colon > 0 ? Number.parseInt(item.slice(colon + 1), 10) || 0 : 8084;
      return { host: host.split('/')[0] ?? host, port };
    });
}

async function socket({ core, ch, arg }: AppCall): Promise<void> {
  const words = arg.split(' ').filter(Boolean);
  if (words.length === 0) return; // "Parse Error!"
  const rest = words.slice(1).map((w) => w.toLowerCase());
  const flags = { async: rest.includes('async'), full: rest.includes('full') };
  let connected = false;
  for (const target of targets(words[0]!)) {
    ch.setVar('socket_host', target.host);
    ch.sim.socket = { connected: false, closed: false, reset: false };
    connected = (await core.connector?.connect(ch, target.host, target.port, flags)) ?? false;
    if (connected) break;
  }
  if (!connected) {
    ch.sim.socket = undefined;
    return; // "Socket Error!": the next action runs
  }
  const link = ch.sim.socket!;
  if (flags.async) {
    // switch_channel_ready is false once the channel hangs up or is being transferred.
    while (!interrupted(ch) && !link.closed && !link.connected) await ch.waker.sleep();
    // switch_ivr_park is called whatever ended the wait; it returns at once, firing nothing,
    // when the listener already reset the channel (switch_ivr.c switch_ivr_park: CS_RESET).
    if (ch.state !== 'CS_RESET') await parkChannel(core, ch);
    await processMessages(core, ch);
    if (ch.state !== 'CS_HIBERNATE' && !ch.has('CF_REDIRECT') && !ch.has('CF_TRANSFER') && !ch.has('CF_RESET') && isTrue(ch.getVar('socket_resume'))) {
      setState(ch, 'CS_EXECUTE');
    }
  } else {
    // Without async the listener runs inline: commands run as they arrive, until the end. No
    // CS_EXECUTE follows (only the async branch sets it): a channel the listener reset stays so.
    while (ch.ready && !link.closed && !interrupted(ch)) await tick(core, ch);
  }
  ch.sim.socket = undefined;
}

export const SOCKET_APPS: Record<string, AppSpec> = {
  socket: { run: socket, noMedia: true },
};
