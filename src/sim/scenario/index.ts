// Scenario files (docs/architecture.md §4): loading with file:line:column problems, planning the calls,
// and running them against the simulated switch.
export { loadScenario, parseScenario, type ScenarioLoad } from './load.js';
export { ScenarioSchema, type ScenarioFile, type ScenarioCall } from './schema.js';
export { endpointSetup, planCalls, type EndpointSetup, type PlannedCall } from './plan.js';
export { runScenario, type RunOptions, type ScenarioSummary, type HotlineFigures, type AgentFigures } from './runner.js';
