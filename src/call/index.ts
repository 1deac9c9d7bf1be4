export { CallController, type CallControllerOptions } from './controller.js';
export { CallRecords, ENDED_UNSEEN, type Outcome, type CallOpen, type CallUpdate } from './call-records.js';
export { LegClock, type LegTimes } from './leg-clock.js';
export { TransferDesk, type TransferMessage, type TransferDeskOptions } from './transfer-desk.js';
export { AgentTalk, type TalkEnd, type TalkSetup } from './agent-talk.js';
export { runCall } from './session.js';
export { prompt, prompts, type Step, type CallContext, type CallServices } from './step.js';
export { callsPlugin, callJson } from './routes.js';
export { CallLog } from './call-log.js';
