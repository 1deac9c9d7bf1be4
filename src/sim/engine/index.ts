// The engine half of the FreeSWITCH simulator: channels, applications, the dialplan, originate,
// endpoints and API commands. The protocol half (wire/, events/, session/, inbound/) calls it
// through SwitchEngine and carries its events.
export { SimEngine, type EngineOptions } from './engine.js';
export { AgentHandle } from './agents.js';
export { DEFAULT_TRUNKS, type InboundTrunk, type PlaceCall } from './citizens.js';
export type { AgentBehaviour, Delay, HotlineBehaviour, LocalFarEnd } from './endpoints.js';
export type { Channel } from './channel.js';
export type { SocketConnector, Observer, DialplanHunt } from './core.js';
export { DialplanFiles } from './dialplan.js';
export { systemClock } from './clock.js';
export { seededRandom, exponential, type Random } from './prng.js';
export { causeName, causeCode, parseCause, dialStatus } from './causes.js';
