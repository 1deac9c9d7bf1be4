export { decideRoute, lineForDigits, hotlineOpen, tagsFromVariables, DEFAULT_PRIORITY, type CallTags, type RouteDecision, type QueueReason } from './decide.js';
export { divertedHotline, tagsAfterDiversion } from './diversion.js';
