// Where FreeSWITCH fires each event (Event-Calling-File/-Function/-Line-Number), at the commit
// the protocol notes follow (signalwire/freeswitch cc93a683). Clients rarely read these, but a
// faithful frame carries them, and they tell a reader of a capture which code path ran.
import type { CallSite } from './emit.js';

const at = (file: string, func: string, line: number): CallSite => ({ file, func, line });

export const SITES = {
  create: at('switch_core_state_machine.c', 'switch_core_session_run', 626),
  originate: at('switch_core_state_machine.c', 'switch_core_session_run', 632),
  outgoing: at('switch_core_session.c', 'switch_core_session_outgoing_channel', 768),
  state: at('switch_channel.c', 'switch_channel_perform_set_running_state', 2409),
  callState: at('switch_channel.c', 'switch_channel_perform_set_callstate', 302),
  progress: at('switch_channel.c', 'switch_channel_perform_mark_ring_ready_value', 3507),
  progressMedia: at('switch_channel.c', 'switch_channel_perform_mark_pre_answered', 3562),
  answer: at('switch_channel.c', 'switch_channel_perform_mark_answered', 3848),
  hangup: at('switch_channel.c', 'switch_channel_perform_hangup', 3447),
  hangupComplete: at('switch_core_state_machine.c', 'switch_core_session_reporting_state', 943),
  destroy: at('switch_core_session.c', 'switch_core_session_perform_destroy', 1588),
  execute: at('switch_core_session.c', 'switch_core_session_exec', 2949),
  executeComplete: at('switch_core_session.c', 'switch_core_session_exec', 2972),
  dtmf: at('switch_channel.c', 'switch_channel_dequeue_dtmf', 678),
  park: at('switch_ivr.c', 'switch_ivr_park', 1002),
  unpark: at('switch_ivr.c', 'switch_ivr_park', 1213),
  hold: at('switch_ivr.c', 'switch_ivr_hold', 1558),
  unhold: at('switch_ivr.c', 'switch_ivr_unhold', 1638),
  bridge: at('switch_ivr_bridge.c', 'switch_ivr_multi_threaded_bridge', 1689),
  unbridge: at('switch_ivr_bridge.c', 'switch_ivr_multi_threaded_bridge', 1879),
  playbackStart: at('switch_ivr_play_say.c', 'switch_ivr_play_file', 1649),
  playbackStop: at('switch_ivr_play_say.c', 'switch_ivr_play_file', 2023),
  recordStart: at('switch_ivr_async.c', 'record_callback', 1480),
  recordStop: at('switch_ivr_async.c', 'record_callback', 1245),
  privateCommand: at('switch_ivr.c', 'switch_ivr_parse_next_event', 806),
  channelData: at('mod_event_socket.c', 'parse_command', 2029),
  conference: at('conference_member.c', 'conference_member_add', 961),
  conferenceDel: at('conference_member.c', 'conference_member_del', 1354),
  conferenceCreate: at('mod_conference.c', 'conference_new', 3848),
  conferenceDestroy: at('mod_conference.c', 'conference_thread_run', 865),
} as const;
