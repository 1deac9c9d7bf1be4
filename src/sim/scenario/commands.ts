// `cti fs-sim` and `cti sim` (docs/architecture.md §4): the simulator alone, optionally placing a
// scenario's calls, and the scenario run that waits for the controller and prints a summary.
import { AgentDesks } from './agent-desks.js';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatIssue, loadConfig, type CtiConfig } from '../../config/index.js';
import type { AgentBehaviour } from '../engine/index.js';
import { startSimulator, type Simulator } from '../index.js';
import { loadScenario } from './load.js';
import { endpointSetup, planCalls } from './plan.js';
import { runScenario } from './runner.js';
import type { ScenarioFile } from './schema.js';

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);

const OPTIONS = {
  'esl-port': { type: 'string' },
  controller: { type: 'string' },
  scenario: { type: 'string' },
  dialplan: { type: 'string' },
  'wait-controller-s': { type: 'string' },
  'max-duration-s': { type: 'string' },
  /** the controller's HTTP API, for the agents' desktops: seats ready, transfer_to */
  api: { type: 'string' },
  'api-user': { type: 'string' },
  'seat-user-prefix': { type: 'string' },
} as const;

/** Seats from the config ring and answer after 2 s unless the scenario says otherwise. */
const DEFAULT_SEAT: Omit<AgentBehaviour, 'id'> = { answerAfterS: 2 };

function hostPort(text: string | undefined): { host: string; port: number } | undefined {
  if (!text) return undefined;
  const m = /^(.+):(\d{1,5})$/.exec(text);
  if (!m) throw new Error(`--controller must be host:port, got "${text}"`);
  return { host: m[1]!, port: Number(m[2]) };
}

async function configOrReport(): Promise<CtiConfig | null> {
  const dir = resolve(process.env.CTI_CONFIG ?? 'config');
  const loaded = await loadConfig(dir);
  if (loaded.ok) return loaded.config;
  for (const issue of loaded.issues) err(formatIssue(issue));
  return null;
}

async function scenarioOrReport(path: string): Promise<ScenarioFile | null> {
  const loaded = await loadScenario(resolve(path), path);
  if (loaded.ok) return loaded.scenario;
  for (const issue of loaded.issues) err(formatIssue(issue));
  err(`${loaded.issues.length} problem${loaded.issues.length === 1 ? '' : 's'} in ${path}`);
  return null;
}

async function start(config: CtiConfig, values: Record<string, string | undefined>, scenario: ScenarioFile | null): Promise<Simulator> {
  const setup = scenario ? endpointSetup(scenario) : { seed: 1, agents: [], hotlines: {} };
  const listed = new Set(setup.agents.map((a) => a.id));
  const seats = config.routing.seats.filter((s) => !listed.has(s.id)).map((s) => ({ id: s.id, ...DEFAULT_SEAT }));
  const port = values['esl-port'] === undefined ? 8021 : Number(values['esl-port']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--esl-port must be 0-65535, got "${values['esl-port']}"`);
  return startSimulator({
    eslPort: port,
    password: config.server.freeswitch.password,
    dialplanDir: resolve(values.dialplan ?? 'dialplan'),
    controller: hostPort(values.controller),
    engine: { seed: setup.seed, agents: [...setup.agents, ...seats], hotlines: setup.hotlines, gateways: [...config.routing.gateways.keys()] },
    log: (line) => err(line),
  });
}

/** Bad option values and a port in use are reported, not thrown. */
async function startOrReport(config: CtiConfig, values: Record<string, string | undefined>, scenario: ScenarioFile | null): Promise<Simulator | null> {
  try {
    return await start(config, values, scenario);
  } catch (e) {
    err((e as Error).message);
    return null;
  }
}

/** cti fs-sim [--esl-port 8021] [--controller host:port] [--scenario file]: runs until SIGINT/SIGTERM. */
export async function fsSimCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: OPTIONS });
  const config = await configOrReport();
  if (!config) return 1;
  const scenario = values.scenario ? await scenarioOrReport(values.scenario) : null;
  if (values.scenario && !scenario) return 1;
  const sim = await startOrReport(config, values, scenario);
  if (!sim) return 2;
  out(`FreeSWITCH simulator: inbound ESL on 127.0.0.1:${sim.port}`);
  const stopped = new Promise<void>((done) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => done());
  });
  if (scenario) {
    void runScenario(sim.engine, planCalls(scenario)).then((summary) => out(JSON.stringify(summary)));
  }
  await stopped;
  await sim.stop();
  return 0;
}

/**
 * cti sim [--esl-port P] [--controller host:port] <scenario.yaml>: starts a simulator on P,
 * waits for the controller to connect to it, runs the scenario, prints the JSON summary.
 */
export async function simCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  if (positionals.length !== 1) {
    err(
      'usage: cti sim [--esl-port P] [--controller host:port] [--api http://host:port --api-user supervisor --seat-user-prefix op (passwords in CTI_API_PASSWORD)] <scenario.yaml>',
    );
    return 2;
  }
  const config = await configOrReport();
  if (!config) return 1;
  const scenario = await scenarioOrReport(positionals[0]!);
  if (!scenario) return 1;
  const sim = await startOrReport(config, values, scenario);
  if (!sim) return 2;
  try {
    const waitS = Number(values['wait-controller-s'] ?? 60);
    if (!(await controllerConnected(sim, waitS))) {
      err(`no controller connected to the simulator's ESL port ${sim.port} within ${waitS} s`);
      return 1;
    }
    const plan = planCalls(scenario);
    const desks = values.api ? await desksOrReport(values.api, values['api-user'] ?? 'admin', values['seat-user-prefix'] ?? 'op', scenario) : undefined;
    if (desks === null) return 1;
    // Calls without hang-up times could last for ever; by default stop an hour after the last arrival.
    const maxDurationS = Number(values['max-duration-s'] ?? (plan[plan.length - 1]?.atS ?? 0) + 3600);
    const summary = await runScenario(sim.engine, plan, { maxDurationS, desks, log: (line) => err(line) });
    out(JSON.stringify(summary, null, 2));
    return 0;
  } finally {
    await sim.stop();
  }
}

/**
 * The agents' desktops on the controller's API: logs in (password from CTI_API_PASSWORD, never
 * on the command line) and makes the scenario's seats ready. null after reporting a failure.
 */
async function desksOrReport(api: string, user: string, seatUserPrefix: string, scenario: ScenarioFile): Promise<AgentDesks | null> {
  try {
    const password = process.env.CTI_API_PASSWORD ?? '';
    const desks = await AgentDesks.login(api.replace(/\/$/, ''), user, password);
    await desks.ready(
      (scenario.agents ?? []).map((a) => a.id),
      seatUserPrefix,
      password,
    );
    return desks;
  } catch (e) {
    err((e as Error).message);
    return null;
  }
}

/** An inbound Event Socket client (the controller) is connected. */
async function controllerConnected(sim: Simulator, waitS: number): Promise<boolean> {
  const end = Date.now() + waitS * 1000;
  while (Date.now() < end) {
    if (sim.server.sessions.some((s) => !s.isClosed)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
