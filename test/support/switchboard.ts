// The whole system on loopback: the FreeSWITCH simulator (inbound ESL, our generated dialplan,
// simulated softphones and departments) and the real server process as its controller.
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import type { AgentBehaviour, HotlineBehaviour } from '../../src/sim/engine/endpoints.js';
import type { Channel } from '../../src/sim/engine/index.js';
import { copyConfig, projectDir, type ConfigCopy } from './config-dir.js';
import { startServerProcess, waitFor, type ServerProcess } from './server-process.js';
import { freePort } from '../../scripts/lib/free-port.js';

export { freePort };

export interface Switchboard {
  sim: Simulator;
  server: ServerProcess;
  config: ConfigCopy;
  /** GET with the logged-in user's token, polling until `accept` says yes */
  until<T>(what: string, path: string, accept: (body: any) => T | undefined, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export interface SwitchboardOptions {
  agents?: AgentBehaviour[];
  hotlines?: Record<string, HotlineBehaviour>;
  users?: Array<{ name: string; role: string }>;
  /** edits to the copy of config/ before the server starts */
  configure?: (config: ConfigCopy) => void;
}

/** The simulated switch both boards run: the test's softphones and departments, short prompts. */
export function boardEngine(opts: SwitchboardOptions) {
  return {
    seed: 7,
    agents: opts.agents ?? [],
    hotlines: opts.hotlines ?? {},
    gateways: ['telecom-trunk', 'police-110'],
    globals: { domain_name: '127.0.0.1', sounds_dir: '/usr/share/freeswitch/sounds', recordings_dir: '/var/lib/freeswitch/recordings' },
    defaultPromptS: 0.3,
  };
}

/** A supervisor every switchboard has, to read GET /api/health. */
export const HEALTH_PROBE = 'health-probe';

export async function switchboard(opts: SwitchboardOptions = {}): Promise<Switchboard> {
  const config = copyConfig();
  // short ring and wrap-up, so a test need not wait out the production values
  config.edit('routing.yaml', 'agent_ring_s: 20', 'agent_ring_s: 2');
  config.edit('routing.yaml', 'wrap_up_s: 15', 'wrap_up_s: 1');
  opts.configure?.(config);
  const eslPort = await freePort();
  const sim = await startSimulator({
    eslPort: 0,
    dialplanDir: join(projectDir, 'dialplan'),
    controller: { host: '127.0.0.1', port: eslPort },
    engine: boardEngine(opts),
  });
  const server = await startServerProcess(config.dir, {
    env: { FS_PORT: String(sim.port), CTI_ESL_PORT: String(eslPort) },
    // the link's state is shown to supervisors only (GET /api/health); the probe is one, apart
    // from the users a test logs in as, so the test's own token is left alone
    users: [...(opts.users ?? [{ name: 'boss', role: 'supervisor' }]), { name: HEALTH_PROBE, role: 'supervisor' }],
  });
  const stop = async () => {
    await server.stop();
    await sim.stop();
    config.remove();
  };
  try {
    const probe = await server.as(HEALTH_PROBE);
    await waitFor(
      'the controller to connect to the simulator',
      async () => ((await probe.get('/api/health')).body.freeswitch === 'connected' ? true : undefined),
      15_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    sim,
    server,
    config,
    async until(what, path, accept, timeoutMs = 15_000) {
      return (await waitFor(what, async () => accept((await server.get(path)).body), timeoutMs)).value;
    },
    stop,
  };
}

/**
 * A citizen's call to `to` (a direct number: no menu) put through to `seat`, which must be
 * ready, once its talk can be transferred or held: the call id (the caller's uuid) and both
 * channels. Needs a logged-in user who may read /api/agents and /api/calls/:id/transfer.
 */
export async function talkingCall(
  sb: Pick<Switchboard, 'sim' | 'until'>,
  seat: string,
  from: string,
  to = '12369',
): Promise<{ id: string; caller: Channel; agentLeg: Channel }> {
  sb.sim.engine.placeCall({ from, to, hangupAfterS: 90 });
  const id: string = await sb.until(
    `agent ${seat} to be talking`,
    '/api/agents',
    (b) => b.items.find((a: any) => a.seat === seat && a.state === 'on_call')?.call_id,
  );
  await sb.until('the talk to be transferable', `/api/calls/${id}/transfer`, (b) => (b.phase === 'talking' ? true : undefined));
  return { id, caller: sb.sim.engine.channel(id)!, agentLeg: sb.sim.engine.agent(seat).calls()[0]! };
}
