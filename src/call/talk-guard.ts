// What keeps a caller's talk with a person (an agent, a department) going when the controller
// dies, and what the caller gets when that talk ends with no controller to ask.
//
// When a call's outbound socket ends, mod_event_socket.c listener_run (done:) sets the caller
// to CS_RESET if socket_resume is true; switch_channel_test_ready is then false, so the `bridge`
// app's audio_bridge_thread ends the talk (switch_ivr_bridge.c ~538) and FreeSWITCH hangs the
// other leg up (audio_bridge_on_exchange_media). Our dialplan sets socket_resume=true, so that
// a caller who is only waiting goes on to the fallback, which rings every seat. During a talk
// the controller turns it off: nothing is reset, the bridge holds, and CF_CONTROLLED, which the
// listener's end clears, only ends the socket app's park once the bridge app returns into it.
//
// What runs then is set now, with exec_after_bridge_app (switch_ivr_bridge.c audio_bridge_thread,
// end): when the talk ends with the caller still there, that one application becomes the
// caller's whole extension and CF_RESET is set; FreeSWITCH runs it once the socket app returns
// (switch_core_standard_on_execute, `goto top`), which is at once without a controller and never
// while one holds the park (it hangs the call up itself). After an agent that is the survey
// (play_and_get_digits, which sets cti_survey; the call then ends, "last dialplan instruction"),
// after a department a hangup. CF_RESET also keeps a later end of the socket from resetting the
// caller. park_after_bridge is cleared too: left from an earlier uuid_bridge it would park the
// caller after the talk (switch_ivr_park_session), outside the socket app, for ever.
//
// The guard is taken off (socket_resume back on, exec_after_bridge_app cleared) whenever the
// caller is left alone again: a ring that was not answered, a hold, a consult, a handover.
import { prompt, type CallContext } from './step.js';

/** The survey's play_and_get_digits arguments: one digit 1–3 into cti_survey, one try, 5 s. */
export const SURVEY_DIGITS = `1 1 1 5000 # ${prompt('survey')} ${prompt('invalid')} cti_survey ^[123]$ 5000`;

export type AfterTalk = 'survey' | 'hangup';

const AFTER: Record<AfterTalk, { app: string; arg: string }> = {
  survey: { app: 'play_and_get_digits', arg: SURVEY_DIGITS },
  hangup: { app: 'hangup', arg: 'NORMAL_CLEARING' },
};

/**
 * uuid_setvar_multi (mod_commands.c): `name=value` pairs split on `;`, each at its first `=`;
 * an empty value unsets. Neither value holds a `;`, a quote or a backslash.
 */
export function guardOn(uuid: string, after: AfterTalk): string {
  const { app, arg } = AFTER[after];
  return `uuid_setvar_multi ${uuid} socket_resume=false;park_after_bridge=;exec_after_bridge_app=${app};exec_after_bridge_arg=${arg}`;
}

export function guardOff(uuid: string): string {
  return `uuid_setvar_multi ${uuid} socket_resume=true;exec_after_bridge_app=;exec_after_bridge_arg=`;
}

/** Before a `bridge` to a person, on the call's own socket. */
export async function guardTalk(ctx: CallContext, after: AfterTalk): Promise<void> {
  checked(ctx, await ctx.services.api(guardOn(ctx.id, after), ctx.call));
}

/** The caller is alone again. */
export async function unguardTalk(ctx: CallContext): Promise<void> {
  checked(ctx, await ctx.services.api(guardOff(ctx.id), ctx.call));
}

function checked(ctx: CallContext, reply: string): void {
  if (!reply.startsWith('+OK') && !ctx.call.isHungUp) ctx.log.warn({ reply }, 'could not set the talk guard on the caller');
}
