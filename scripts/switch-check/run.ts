// One run of the scenarios: the switch (a real FreeSWITCH, or the simulator started here), the
// controller started here as `npm start` would run it, the desks logged in, then each scenario
// in turn with its PASS or FAIL line on stdout. Progress goes to stderr.
import type { Simulator } from '../../src/sim/index.js';
import { CHECKS, DECLINING_SEAT, ANSWERING_SEAT, NUMBERS, SeatDesks, type Check, type CheckEnv } from './checks.js';
import { ControllerProcess } from './controller.js';
import { startTestSimulator } from './simulator.js';
import { CheckFailed, SwitchLink } from './switch-link.js';
import { freePort } from '../lib/free-port.js';

export interface RunOptions {
  projectDir: string;
  configDir: string;
  /** null: start the simulator with this dialplan folder */
  freeswitch: { host: string; port: number; password: string } | null;
  simulatorDialplan: string;
  recordingsDir: string;
  only: string[] | null;
  out: (line: string) => void;
  log: (line: string) => void;
}

export interface RunResult {
  passed: string[];
  failed: string[];
}

export async function runChecks(opts: RunOptions): Promise<RunResult> {
  const checks = selected(opts.only);
  const result: RunResult = { passed: [], failed: [] };
  const started = Date.now();
  let sim: Simulator | null = null;
  let controller: ControllerProcess | null = null;
  let fs: SwitchLink | null = null;
  try {
    let target = opts.freeswitch;
    const env: Record<string, string> = {};
    if (!target) {
      const eslPort = await freePort();
      const password = 'ClueCon';
      sim = await startTestSimulator(opts.simulatorDialplan, eslPort, password);
      target = { host: '127.0.0.1', port: sim.port, password };
      env.CTI_ESL_PORT = String(eslPort);
      opts.log(`simulator: inbound ESL on 127.0.0.1:${sim.port}, dialplan ${opts.simulatorDialplan}, sockets to 127.0.0.1:${eslPort}`);
    }
    Object.assign(env, { FS_HOST: target.host, FS_PORT: String(target.port), FS_PASSWORD: target.password });
    controller = await ControllerProcess.start({
      projectDir: opts.projectDir,
      configDir: opts.configDir,
      env,
      users: [
        { name: 'boss', role: 'supervisor' },
        { name: `op${DECLINING_SEAT}`, role: 'agent' },
        { name: `op${ANSWERING_SEAT}`, role: 'agent' },
      ],
      log: opts.log,
    });
    const boss = await controller.login('boss');
    await until('the controller to connect to FreeSWITCH', async () => (await boss.get('/api/health')).body?.freeswitch === 'connected', 20_000);
    await targetsOpen(boss);
    fs = await SwitchLink.connect(target.host, target.port, target.password);
    const seats = await SeatDesks.open(controller, boss, [DECLINING_SEAT, ANSWERING_SEAT]);
    const checkEnv: CheckEnv = {
      fs,
      boss,
      seats,
      controller,
      simulator: sim !== null,
      recordingsDir: opts.recordingsDir,
      note: (text) => opts.out(`NOTE ${text}`),
      log: opts.log,
    };
    opts.log(`setup took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const check of checks) {
      const t0 = Date.now();
      const mark = fs.mark();
      opts.log(`-- ${check.name}: ${check.title}`);
      try {
        const detail = await check.run(checkEnv);
        opts.out(`PASS ${check.name} (${((Date.now() - t0) / 1000).toFixed(1)} s): ${detail}`);
        result.passed.push(check.name);
      } catch (err) {
        const reason = err instanceof CheckFailed ? err.message : `error: ${(err as Error).stack ?? String(err)}`;
        opts.out(`FAIL ${check.name} (${((Date.now() - t0) / 1000).toFixed(1)} s): ${reason}`);
        result.failed.push(check.name);
        await sweep(fs, mark, opts.log);
      }
    }
  } catch (err) {
    opts.out(`FAIL setup: ${(err as Error).message}`);
    for (const check of checks) if (!result.passed.includes(check.name) && !result.failed.includes(check.name)) result.failed.push(check.name);
  } finally {
    fs?.close();
    await controller?.stop();
    await sim?.stop();
  }
  const where = opts.freeswitch ? `FreeSWITCH at ${opts.freeswitch.host}:${opts.freeswitch.port}` : 'the simulator';
  opts.out(`${result.passed.length} passed, ${result.failed.length} failed against ${where} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

/** After a failed scenario: whatever it left up is hung up, so that the next one starts clean. */
async function sweep(fs: SwitchLink, mark: number, log: (line: string) => void): Promise<void> {
  const destroyed = () => new Set(fs.find((e) => e.name === 'CHANNEL_DESTROY', mark).map((e) => e.uuid));
  const left = fs
    .find((e) => e.name === 'CHANNEL_CREATE', mark)
    .map((e) => e.uuid)
    .filter((u) => !destroyed().has(u));
  for (const uuid of left) await fs.api('uuid_kill', uuid);
  const end = Date.now() + 5000;
  while (left.some((u) => !destroyed().has(u)) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  if (left.length) log(`hung up ${left.length} channel(s) the failed scenario left`);
}

function selected(only: string[] | null): Check[] {
  if (!only) return CHECKS;
  const unknown = only.filter((n) => !CHECKS.some((c) => c.name === n));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${CHECKS.map((c) => c.name).join(', ')}`);
  return CHECKS.filter((c) => only.includes(c.name));
}

/** The hotlines the scenarios ring must be open at any hour (routing.yaml: hours always). */
async function targetsOpen(boss: Awaited<ReturnType<ControllerProcess['login']>>): Promise<void> {
  const r = await boss.get('/api/transfer/targets');
  const items = (r.body?.items ?? []) as Array<{ number: string; open: boolean; closed_reason: string | null }>;
  for (const number of [NUMBERS.ringsOut, NUMBERS.warm, NUMBERS.blind, NUMBERS.threeWay]) {
    const t = items.find((i) => i.number === number);
    if (!t?.open)
      throw new CheckFailed(`hotline ${number} ${t ? `does not take transfers now (${t.closed_reason})` : 'is not a transfer target'} in this routing.yaml`);
  }
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
