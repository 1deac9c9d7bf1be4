// The FreeSWITCH dialplan generated from config/routing.yaml: render it, write it, check it
// for drift, and interpret it (tests and the simulator route calls through the same XML).
export {
  renderDialplan,
  DIALPLAN_FILE,
  GENERATED_MARKER,
  FALLBACK_EXTENSION,
  FALLBACK_ROUNDS,
  FALLBACK_PROMPTS,
  SEAT_RING_S,
  OUTBOUND_FIRST_PACKET_S,
  CHINA_RINGBACK,
  type DialplanOptions,
  type DialplanAction,
} from './render.js';
export { CTI_VARS, DEFAULT_PRIORITY, POLICE_ORIGIN, GATEWAY_FIELD, NETWORK_FIELD, inboundRoutes, type InboundMode, type InboundRoute } from './routes.js';
export { writeDialplan, checkDialplanDrift, diffDialplan, type DriftEntry, type DriftProblem } from './files.js';
export { matchExtension, type MatchedExtension, type MatchedAction } from './interpret.js';
export { ipv4NetworkPattern } from './network-pattern.js';
