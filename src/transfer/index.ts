export { AttemptStore, type AttemptRecord, type LegRows } from './attempt-store.js';
export { TransferAttempt, type AttemptView, type SwitchLink, type LegWatch } from './attempt.js';
export { FeatureCodeReader, type FeatureCommand } from './feature-codes.js';
export { coordinationPlugin, type CoordinationOptions } from './coordination.js';
export { transferPlugin, type TransferPluginOptions } from './routes.js';
export {
  planTransfer,
  resultOfCause,
  transferOpen,
  ticketPrefill,
  isTransferTarget,
  ResultNames,
  type TransferKind,
  type AttemptResult,
  type RequestedKind,
  type TicketPrefill,
  type TransferPlan,
} from './rules.js';
