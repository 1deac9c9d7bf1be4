// Where FreeSWITCH fires each event (Event-Calling-File/-Function/-Line-Number), at the commit
// the protocol notes follow (signalwire/freeswitch cc93a683). Clients rarely read these, but a
// faithful frame carries them, and they tell a reader of a capture which code path ran.
import { EVENT_ORIGINS } from '../events/index.js';
import type { CallSite } from './emit.js';

const at = (file: string, func: string, line: number): CallSite => ({ file, func, line });
/** The protocol half's table, for the events it lists, so both halves name one origin. */
const known = (name: string, fallback: CallSite): CallSite => EVENT_ORIGINS[name] ?? fallback;

export const SITES = {
  create: known('CHANNEL_CREATE', at('switch_core_state_machine.c', 'switch_core_session_run', 626)),
  originate: known('CHANNEL_ORIGINATE', at('switch_core_state_machine.c', 'switch_core_session_run', 632)),
  outgoing: known('CHANNEL_OUTGOING', at('switch_core_session.c', 'switch_core_session_outgoing_channel', 768)),
  state: known('CHANNEL_STATE', at('switch_channel.c', 'switch_channel_perform_set_running_state', 2409)),
  callState: known('CHANNEL_CALLSTATE', at('switch_channel.c', 'switch_channel_perform_set_callstate', 302)),
  progress: known('CHANNEL_PROGRESS', at('switch_channel.c', 'switch_channel_perform_mark_ring_ready_value', 3507)),
  progressMedia: known('CHANNEL_PROGRESS_MEDIA', at('switch_channel.c', 'switch_channel_perform_mark_pre_answered', 3562)),
  answer: known('CHANNEL_ANSWER', at('switch_channel.c', 'switch_channel_perform_mark_answered', 3848)),
  hangup: known('CHANNEL_HANGUP', at('switch_channel.c', 'switch_channel_perform_hangup', 3447)),
  hangupComplete: known('CHANNEL_HANGUP_COMPLETE', at('switch_core_state_machine.c', 'switch_core_session_reporting_state', 943)),
  destroy: known('CHANNEL_DESTROY', at('switch_core_session.c', 'switch_core_session_perform_destroy', 1588)),
  execute: known('CHANNEL_EXECUTE', at('switch_core_session.c', 'switch_core_session_exec', 2949)),
  executeComplete: known('CHANNEL_EXECUTE_COMPLETE', at('switch_core_session.c', 'switch_core_session_exec', 2972)),
  /** uuid_bridge's own CHANNEL_EXECUTE pair (switch_ivr_bridge.c uuid_bridge_on_soft_execute) */
  uuidBridgeExecute: at('switch_ivr_bridge.c', 'uuid_bridge_on_soft_execute', 1236),
  dtmf: known('DTMF', at('switch_channel.c', 'switch_channel_dequeue_dtmf', 678)),
  park: known('CHANNEL_PARK', at('switch_ivr.c', 'switch_ivr_park', 1002)),
  unpark: known('CHANNEL_UNPARK', at('switch_ivr.c', 'switch_ivr_park', 1213)),
  hold: known('CHANNEL_HOLD', at('switch_ivr.c', 'switch_ivr_hold', 1558)),
  unhold: known('CHANNEL_UNHOLD', at('switch_ivr.c', 'switch_ivr_unhold', 1638)),
  /** the bridge app and uuid_bridge both bridge through switch_ivr_multi_threaded_bridge */
  bridge: known('CHANNEL_BRIDGE', at('switch_ivr_bridge.c', 'switch_ivr_multi_threaded_bridge', 1689)),
  unbridge: known('CHANNEL_UNBRIDGE', at('switch_ivr_bridge.c', 'switch_ivr_multi_threaded_bridge', 1879)),
  playbackStart: known('PLAYBACK_START', at('switch_ivr_play_say.c', 'switch_ivr_play_file', 1649)),
  playbackStop: known('PLAYBACK_STOP', at('switch_ivr_play_say.c', 'switch_ivr_play_file', 2023)),
  recordStart: known('RECORD_START', at('switch_ivr_async.c', 'record_callback', 1482)),
  recordStop: known('RECORD_STOP', at('switch_ivr_async.c', 'send_record_stop_event', 1241)),
  /** the `record` application records in the foreground, not through a media bug */
  recordFileStart: at('switch_ivr_play_say.c', 'switch_ivr_record_file_event', 770),
  recordFileStop: at('switch_ivr_play_say.c', 'switch_ivr_record_file_event', 1033),
  privateCommand: at('switch_ivr.c', 'switch_ivr_parse_next_event', 806),
  conference: at('conference_member.c', 'conference_member_add', 961),
  conferenceDel: at('conference_member.c', 'conference_member_del', 1354),
  conferenceCreate: at('mod_conference.c', 'conference_new', 3848),
  conferenceDestroy: at('mod_conference.c', 'conference_thread_run', 865),
} as const;
