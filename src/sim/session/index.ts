// One Event Socket connection (inbound :8021 client, or an outbound socket to the controller),
// its subscriptions and filters.
export { CommandSession, type CommandSessionOptions, type SessionMode } from './command-session.js';
export { openOutboundSession, type OutboundSessionOptions, type OutboundTarget, type StreamOpener } from './outbound-connect.js';
export { Subscription, headerValue, regexMatches } from './subscription.js';
export type { EventListener, SessionHub } from './session-hub.js';
