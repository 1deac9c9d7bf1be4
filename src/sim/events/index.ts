// Building events: the common header block, channel blocks from a snapshot, BACKGROUND_JOB and
// HEARTBEAT, and the event-name tables.
export { EventFactory, type EventFactoryOptions, type SwitchIdentity } from './event-factory.js';
export { EventDraft, type LeanRecipe } from './event-draft.js';
export { EVENT_ORIGINS, SENDEVENT_ORIGIN, SIGNAL_BRIDGE_ORIGINS, UNKNOWN_ORIGIN, type EventOrigin } from './event-origins.js';
export { EVENT_NAMES, MYEVENTS_NAMES, UNIQUE_HEADER_EVENTS, VARIABLE_EVENTS, eventNameOf, type EventName } from './event-names.js';
export { localDate, rfc822Date } from './event-dates.js';
export {
  CHANNEL_STATES,
  callerProfileHeaders,
  carriesVariables,
  channelBasicHeaders,
  channelDataHeaders,
  channelEventHeaders,
  channelVariable,
  channelVariableHeaders,
  type AnswerState,
  type CallDirection,
  type CallStateName,
  type CallerProfileSnapshot,
  type ChannelSnapshot,
  type ChannelStateName,
  type CodecSnapshot,
  type ProfileTimes,
} from './channel-snapshot.js';
export { backgroundJobEvent, type BackgroundJob } from './background-job.js';
export { HEARTBEAT_INTERVAL_MS, heartbeatEvent, scheduleHeartbeats, upTimeText, type HeartbeatFigures } from './heartbeat.js';
