export { TransferDesk, type TransferMessage, type TransferDeskOptions } from './desk.js';
export { AgentTalk, type TalkEnd, type TalkSetup } from './agent-talk.js';
export { AttemptStore, type AttemptRecord } from './attempt-store.js';
export { coordinationPlugin, type CoordinationOptions } from './coordination.js';
export { transferPlugin, type TransferPluginOptions } from './routes.js';
export { planTransfer, resultOfCause, transferOpen, ticketPrefill, isTransferTarget, type TransferKind, type AttemptResult } from './rules.js';
