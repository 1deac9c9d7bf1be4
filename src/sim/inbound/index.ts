// The switch's inbound Event Socket port and the event bus that feeds every session.
export { EventHub } from './event-hub.js';
export { InboundAcl } from './inbound-acl.js';
export { InboundServer, type InboundServerOptions } from './inbound-server.js';
