// Where FreeSWITCH fires each event: the Event-Calling-File / -Function / -Line-Number headers.
// switch_event_create is a macro that records the place of the call itself, so these are the
// lines of the switch_event_create calls at signalwire/freeswitch @ cc93a683.

export interface EventOrigin {
  /** base name of the C file (switch_cut_path) */
  file: string;
  func: string;
  line: number;
}

function at(file: string, func: string, line: number): EventOrigin {
  return { file, func, line };
}

/** The usual origin of each event the simulator fires; the engine may pass another one. */
export const EVENT_ORIGINS: Readonly<Record<string, EventOrigin>> = {
  CHANNEL_OUTGOING: at('switch_core_session.c', 'switch_core_session_outgoing_channel', 768),
  CHANNEL_CREATE: at('switch_core_state_machine.c', 'switch_core_session_run', 626),
  CHANNEL_ORIGINATE: at('switch_core_state_machine.c', 'switch_core_session_run', 632),
  CHANNEL_STATE: at('switch_channel.c', 'switch_channel_perform_set_running_state', 2409),
  CHANNEL_CALLSTATE: at('switch_channel.c', 'switch_channel_perform_set_callstate', 302),
  CHANNEL_PROGRESS: at('switch_channel.c', 'switch_channel_perform_mark_ring_ready_value', 3507),
  CHANNEL_PROGRESS_MEDIA: at('switch_channel.c', 'switch_channel_perform_mark_pre_answered', 3562),
  CHANNEL_ANSWER: at('switch_channel.c', 'switch_channel_perform_mark_answered', 3848),
  CHANNEL_HANGUP: at('switch_channel.c', 'switch_channel_perform_hangup', 3447),
  CHANNEL_HANGUP_COMPLETE: at('switch_core_state_machine.c', 'switch_core_session_reporting_state', 943),
  CHANNEL_DESTROY: at('switch_core_session.c', 'switch_core_session_perform_destroy', 1588),
  CHANNEL_EXECUTE: at('switch_core_session.c', 'switch_core_session_exec', 2949),
  CHANNEL_EXECUTE_COMPLETE: at('switch_core_session.c', 'switch_core_session_exec', 2972),
  /** bridge app; uuid_bridge uses SIGNAL_BRIDGE_ORIGINS */
  CHANNEL_BRIDGE: at('switch_ivr_bridge.c', 'switch_ivr_multi_threaded_bridge', 1689),
  CHANNEL_UNBRIDGE: at('switch_ivr_bridge.c', 'switch_ivr_multi_threaded_bridge', 1879),
  CHANNEL_PARK: at('switch_ivr.c', 'switch_ivr_park', 1002),
  CHANNEL_UNPARK: at('switch_ivr.c', 'switch_ivr_park', 1213),
  CHANNEL_HOLD: at('switch_ivr.c', 'switch_ivr_hold', 1558),
  CHANNEL_UNHOLD: at('switch_ivr.c', 'switch_ivr_unhold', 1638),
  CHANNEL_UUID: at('switch_core_session.c', 'switch_core_session_set_uuid', 2056),
  DTMF: at('switch_channel.c', 'switch_channel_dequeue_dtmf', 678),
  PLAYBACK_START: at('switch_ivr_play_say.c', 'switch_ivr_play_file', 1649),
  PLAYBACK_STOP: at('switch_ivr_play_say.c', 'switch_ivr_play_file', 2023),
  RECORD_START: at('switch_ivr_async.c', 'record_callback', 1482),
  RECORD_STOP: at('switch_ivr_async.c', 'send_record_stop_event', 1241),
  BACKGROUND_JOB: at('mod_event_socket.c', 'api_exec', 1580),
  CHANNEL_DATA: at('mod_event_socket.c', 'parse_command', 2029),
  HEARTBEAT: at('switch_core.c', 'send_heartbeat', 95),
};

/** CHANNEL_BRIDGE / UNBRIDGE of a uuid_bridge (signal bridge), switch_ivr_bridge.c. */
export const SIGNAL_BRIDGE_ORIGINS = {
  CHANNEL_BRIDGE: at('switch_ivr_bridge.c', 'signal_bridge_on_hibernate', 1377),
  CHANNEL_UNBRIDGE: at('switch_ivr_bridge.c', 'signal_bridge_on_hangup', 1481),
} as const;

/** Origin of an event fired by `sendevent` (prep_for_delivery in MES parse_command). */
export const SENDEVENT_ORIGIN = at('mod_event_socket.c', 'parse_command', 2283);

/** Used for an event name with no known origin. */
export const UNKNOWN_ORIGIN = at('switch_event.c', 'switch_event_fire_detailed', 2007);
