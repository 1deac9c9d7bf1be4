export { CallDistributor, realTimers, type Timers, type Offer, type DistributorOptions, type AcdEvents } from './distributor.js';
export {
  AgentStateNames,
  MISSES_BEFORE_BREAK,
  MISSED_CALLS_REASON,
  nextAgentState,
  loggedOut,
  type AgentState,
  type AgentStateName,
  type AgentEvent,
} from './agent-state.js';
export { servedBefore, inServiceOrder, type WaitingCall } from './waiting-call.js';
export { AcdStore, acdMigration } from './store.js';
export { acdPlugin, agentsView, queuesView, type AcdPluginOptions } from './routes.js';
export { SeatHolders, seatHoldersMigration } from './holders.js';
