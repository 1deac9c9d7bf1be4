// What an event shows about a channel, taken when the event is fired: the engine's channel as
// the protocol half's ChannelSnapshot (the input of switch_channel_event_set_data, switch_channel.c
// switch_channel_event_set_basic_data and _extended_data).
import type { CallerProfileSnapshot, ChannelSnapshot, CodecSnapshot } from '../events/index.js';
import { CHANNEL_STATES, type CallerProfile, type Channel } from './channel.js';

/** PCMA, as a carrier trunk in China negotiates it (G.711 A-law). */
const PCMA: CodecSnapshot = { name: 'PCMA', rate: 8000, bitRate: 64000 };

export function channelSnapshot(ch: Channel): ChannelSnapshot {
  const codec = hasCodec(ch) ? PCMA : undefined;
  return {
    uuid: ch.uuid,
    name: ch.name,
    state: ch.runningState,
    stateNumber: CHANNEL_STATES.indexOf(ch.state),
    callState: ch.callState,
    direction: ch.direction,
    hitDialplan: ch.hitDialplan,
    answerState: answerState(ch),
    hangupCause: ch.hangupCause ?? undefined,
    readCodec: codec,
    writeCodec: codec,
    caller: profileSnapshot(ch.profile),
    other: ch.otherLeg ? { type: ch.otherLeg.type, profile: profileSnapshot(ch.otherLeg.profile) } : undefined,
    variables: ch.variableList(),
  };
}

export function profileSnapshot(p: CallerProfile): CallerProfileSnapshot {
  const t = p.times;
  return {
    direction: p.direction,
    logicalDirection: p.logicalDirection,
    username: p.username,
    dialplan: p.dialplan,
    callerIdName: p.callerIdName,
    callerIdNumber: p.callerIdNumber,
    origCallerIdName: p.origCallerIdName,
    origCallerIdNumber: p.origCallerIdNumber,
    calleeIdName: p.calleeIdName,
    calleeIdNumber: p.calleeIdNumber,
    networkAddr: p.networkAddr,
    ani: p.ani,
    aniii: p.aniii,
    destinationNumber: p.destinationNumber,
    uuid: p.uuid,
    source: p.source,
    transferSource: p.transferSource,
    context: p.context,
    rdnis: p.rdnis,
    channelName: p.channelName,
    profileIndex: String(p.profileIndex),
    times: { ...t },
  };
}

/** An inbound leg arrives with its SDP offer; an outbound leg has a codec once media flowed. */
function hasCodec(ch: Channel): boolean {
  const t = ch.profile.times;
  return ch.direction === 'inbound' || t.progressMedia > 0 || t.answered > 0;
}

function answerState(ch: Channel): ChannelSnapshot['answerState'] {
  if (!ch.ready) return 'hangup';
  if (ch.answered) return 'answered';
  if (ch.earlyMedia) return 'early';
  return 'ringing';
}
