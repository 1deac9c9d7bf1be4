// The simulator's engine on a recording event bus, and small readers of its events: shared
// by the engine tests and the fidelity tests.
import type { Test } from 'tap';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimEvent } from '../../src/sim/contracts.js';
import { SimEngine, type EngineOptions, type Channel } from '../../src/sim/engine/index.js';
import { projectDir } from './config-dir.js';

export const DIALPLAN = join(projectDir, 'dialplan');

export interface Rig {
  engine: SimEngine;
  events: SimEvent[];
  /** events about one channel (Unique-ID), in order */
  of(uuid: string): SimEvent[];
}

export function rig(t: Test, opts: Partial<EngineOptions> = {}): Rig {
  const events: SimEvent[] = [];
  const engine = new SimEngine({ bus: { publish: (e) => events.push(e) }, dialplan: DIALPLAN, defaultPromptS: 0.2, ...opts });
  t.teardown(() => engine.stop());
  return { engine, events, of: (uuid) => events.filter((e) => header(e, 'Unique-ID') === uuid) };
}

export const header = (e: SimEvent | undefined, name: string): string | undefined => e?.headers.find(([n]) => n === name)?.[1];
export const variable = (e: SimEvent | undefined, name: string): string | undefined => header(e, `variable_${name}`);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(what: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** A dialplan folder with one public file holding the given extensions. */
export function dialplanDir(t: Test, extensions: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sim-dp-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'public'));
  writeFileSync(join(dir, 'public', '00_test.xml'), `<?xml version="1.0"?>\n<include>\n${extensions}\n</include>\n`);
  return dir;
}

/** An answered softphone leg parked by `originate … &park()`, for running apps on over sendmsg. */
export async function parkedLeg(r: Rig, agent = '1005'): Promise<Channel> {
  r.engine.agent(agent).register({ answerAfterS: 0 });
  const reply = await r.engine.api('originate', `{ignore_early_media=true}user/${agent} &park()`);
  const leg = r.engine.channel(reply.slice(4, -1))!;
  await until(() => r.of(leg.uuid).some((e) => e.name === 'CHANNEL_PARK'));
  return leg;
}

/** `sendmsg <uuid>` call-command execute with our Event-UUID; returns the Reply-Text. */
export function execute(r: Rig, uuid: string, app: string, arg: string, eventUuid: string, extra: Array<[string, string]> = []): string {
  return r.engine.sendmsg(
    uuid,
    [['call-command', 'execute'], ['execute-app-name', app], ['execute-app-arg', arg], ['Event-UUID', eventUuid], ...extra],
    undefined,
  );
}

/** The CHANNEL_EXECUTE_COMPLETE that carries this Event-UUID as Application-UUID. */
export async function completion(r: Rig, uuid: string, eventUuid: string, ms = 10_000): Promise<SimEvent> {
  const find = () => r.of(uuid).find((e) => e.name === 'CHANNEL_EXECUTE_COMPLETE' && header(e, 'Application-UUID') === eventUuid);
  await until(() => find() !== undefined, ms);
  return find()!;
}
