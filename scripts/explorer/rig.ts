// The switch and the controller in one process, linked by in-memory streams instead of ports:
// the simulator (our FreeSWITCH, with its generated dialplan), one SQLite database, and a
// controller "life" that can be killed at any instant and started again, as a process would be.
// What the controller owns lives in its life (virtual-time.ts): killing it clears its timers
// and severs its connections; the next life starts from the database, as a restart does.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pino from 'pino';
import { loadConfig, formatIssue, ConfigWatcher, workingCalendarOf, type CtiConfig } from '../../src/config/index.js';
import { openDatabase, type Db } from '../../src/store/index.js';
import { schema } from '../../src/schema.js';
import { AcdStore, CallDistributor } from '../../src/acd/index.js';
import { CallController } from '../../src/call/index.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { seededRandom } from '../../src/sim/engine/index.js';
import type { SimEvent } from '../../src/sim/contracts.js';
import type { Traffic } from './traffic.js';
import { Life, type VirtualTime } from './virtual-time.js';
import { memoryLink, refusedConnect, sever, type MemoryEnd } from './memory-link.js';
import type { ProblemTrace } from './history.js';

export const projectDir = join(import.meta.dirname, '..', '..');

export interface ControllerLife {
  life: Life;
  /** its own connection to the database, as a process has */
  db: Db;
  controller: CallController;
  acd: CallDistributor;
  /** this life's ends of its connections (the inbound link, every call's socket) */
  ends: Set<MemoryEnd>;
  /** when its inbound link last came up (virtual ms), undefined while it is down */
  linkedSince: number | undefined;
}

export interface RigHooks {
  /** each new life, before it connects (the explorer attaches its tracers here) */
  lifeStarted(l: ControllerLife): void;
  /** each new connection to the database (functions the explorer's triggers call) */
  dbOpened(db: Db): void;
  /** routing.yaml reloaded with a change (the explorer's view of the skills follows it) */
  configChanged?(config: CtiConfig): void;
}

const CONFIG_ENV = { ...process.env, CTI_DATABASE: ':memory:' };

export async function loadShippedConfig(dir = join(projectDir, 'config')): Promise<CtiConfig> {
  const loaded = await loadConfig(dir, CONFIG_ENV);
  if (!loaded.ok) throw new Error(`${dir} is not valid:\n${loaded.issues.map(formatIssue).join('\n')}`);
  return loaded.config;
}

/**
 * What a `reload` fault does to routing.yaml, in turn: seats 1001–1005 stop serving the
 * enterprise line, then serve it again. A skill change is what an admin's edit most often is,
 * and an ACD that missed it would offer calls to seats without the skill (offeredBySkill).
 */
const SKILL_EDIT = { with: 'skills: [citizen, enterprise] }', without: 'skills: [citizen] }', seats: ['1001', '1002', '1003', '1004', '1005'] };

function editSkills(yaml: string, dropEnterprise: boolean): string {
  return yaml
    .split('\n')
    .map((line) => {
      if (!SKILL_EDIT.seats.some((id) => line.includes(`id: "${id}"`))) return line;
      return dropEnterprise ? line.replace(SKILL_EDIT.with, SKILL_EDIT.without) : line.replace(SKILL_EDIT.without, SKILL_EDIT.with);
    })
    .join('\n');
}

export class Rig {
  readonly errorLogs: ProblemTrace[] = [];
  current: ControllerLife | undefined;
  /** while a controller's inbound link was open (virtual ms) */
  readonly eslLinks: Array<{ from: number; to?: number }> = [];
  /** when each controller was killed (virtual ms) */
  readonly kills: number[] = [];
  /** how many kill-at-accept faults fired (a call's socket was there to be accepted) */
  killedAtAccept = 0;
  private lives = 0;
  /** the current life's listeners to config reloads */
  private lifeListeners: Array<(c: CtiConfig) => void> = [];
  /** reload faults so far */
  reloads = 0;
  /** armed by a kill-at-accept fault: what to do once the controller is killed */
  private killAtAccept: (() => void) | undefined;
  /** how many drop-esl-at-answer faults fired (a linked controller's transfer leg was answered) */
  droppedAtAnswer = 0;
  /** the outage of each drop-esl-at-answer fault armed and not yet fired (ms) */
  private dropsAtAnswer: number[] = [];
  /** until then the network refuses the controller's connects to :8021 (virtual ms) */
  private eslDownUntil = 0;
  private ports = 40_000;
  private readonly switchScope;

  private constructor(
    readonly vt: VirtualTime,
    readonly sim: Simulator,
    /** the explorer's own connection (its reads, its triggers) */
    readonly db: Db,
    private readonly dbPath: string,
    private readonly config: ConfigWatcher,
    private readonly seed: number,
    private readonly hooks: RigHooks,
  ) {
    this.switchScope = vt.scope(undefined);
  }

  static async start(vt: VirtualTime, config: CtiConfig, traffic: Traffic, hooks: RigHooks): Promise<Rig> {
    let rig: Rig | undefined;
    const sim = await startSimulator({
      dialplanDir: join(projectDir, 'dialplan'),
      clock: { nowUs: () => Date.now() * 1000 },
      inMemory: { outbound: () => rig!.openCallSocket() },
      engine: {
        seed: traffic.seed,
        agents: traffic.agents,
        hotlines: traffic.hotlines,
        gateways: ['telecom-trunk', 'police-110'],
        globals: { domain_name: '127.0.0.1', sounds_dir: '/usr/share/freeswitch/sounds', recordings_dir: '/var/lib/freeswitch/recordings' },
        defaultPromptS: 3,
      },
    });
    // a file, not :memory:, so that each life opens its own connection as a restarted process
    // does (a connection's queued group commit dies with its life)
    const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'cti-explore-'));
    const path = join(dir, 'cti.db');
    const db = openDatabase(path, schema);
    hooks.dbOpened(db);
    // a copy of config/ that reload faults edit, watched as the server watches its own
    cpSync(config.dir, join(dir, 'config'), { recursive: true });
    const watcher = new ConfigWatcher(await loadShippedConfig(join(dir, 'config')), pino({ level: 'silent' }), CONFIG_ENV);
    watcher.onChange((c) => {
      // the explorer's view first: the ACD offers calls as it takes the change
      hooks.configChanged?.(c);
      for (const listener of rig!.lifeListeners) listener(c);
    });
    rig = new Rig(vt, sim, db, path, watcher, traffic.seed, hooks);
    sim.engine.tap((event) => rig!.maybeDropAtAnswer(event));
    return rig;
  }

  /** A controller process starting: reads the database, connects to the switch. */
  startController(): ControllerLife {
    const life = new Life(`life-${++this.lives}`);
    const random = seededRandom(this.seed * 31 + this.lives);
    return this.vt.run(life, () => {
      // a regular expression over the controllers' log lines, printed with their life's name
      const watch = process.env.EXPLORE_WATCH;
      const watched = watch ? new RegExp(watch) : undefined;
      const log = pino(
        { level: watch ? 'debug' : 'error' },
        {
          write: (line: string) => {
            if (watch && watched!.test(line)) process.stderr.write(`${life.name} ${line}`);
            if (line.includes('"level":50') || line.includes('"level":60'))
              this.errorLogs.push({ at: this.vt.now(), life: life.name, message: summarise(line) });
          },
        },
      );
      const routing = this.config.current.routing;
      const calendar = workingCalendarOf(this.config.current);
      const db = openDatabase(this.dbPath, schema);
      this.hooks.dbOpened(db);
      const acd = new CallDistributor({
        seats: routing.seats,
        wrapUpS: routing.acd.wrapUpS,
        averageHandleS: 180,
        now: () => Date.now(),
        store: new AcdStore(db, log),
      });
      // the current life's only: a killed process hears no reload
      acd.follow({ onChange: (listener) => this.lifeListeners.push(listener) });
      const state: ControllerLife = { life, db, acd, ends: new Set(), linkedSince: undefined, controller: undefined as unknown as CallController };
      state.controller = new CallController({
        config: this.config,
        db,
        acd,
        calendar: () => calendar,
        log,
        link: { connect: () => this.openEslLink(state), random: () => random.next() },
      });
      this.current = state;
      this.hooks.lifeStarted(state);
      state.controller.connect();
      return state;
    });
  }

  /** The process is gone: its timers stop, its connections close under the switch. */
  killController(): void {
    const dead = this.current;
    if (!dead) return;
    this.current = undefined;
    this.kills.push(this.vt.now());
    this.lifeListeners = [];
    // its link's close is never heard by its own (dead) handlers: the window ends here
    for (const w of this.eslLinks) w.to ??= this.vt.now();
    this.vt.kill(dead.life);
    for (const end of dead.ends) sever(end);
    dead.ends.clear();
    // what it had queued but not committed is lost, as with a killed process
    dead.db.close();
  }

  /**
   * An admin edits routing.yaml (seats' skills, SKILL_EDIT) and the server reloads it. Awaited
   * at a quiet instant with the clock stopped: the file is read for real, but no virtual time
   * passes meanwhile, so the run stays deterministic.
   */
  async reloadConfig(): Promise<void> {
    const file = join(this.config.current.dir, 'routing.yaml');
    this.reloads++;
    writeFileSync(file, editSkills(readFileSync(file, 'utf8'), this.reloads % 2 === 1));
    const l = this.current;
    const status = await (l ? this.vt.run(l.life, () => this.config.reload()) : this.config.reload());
    if (status.state !== 'ok') throw new Error(`the explorer's edit of routing.yaml was rejected: ${status.issues.map(formatIssue).join('; ')}`);
  }

  /** The end of the run: the connections closed, the files removed. */
  close(): void {
    if (this.current?.db.open) this.current.db.close();
    this.db.close();
    rmSync(dirname(this.dbPath), { recursive: true, force: true });
  }

  /**
   * The network drops the inbound ESL connection: both sides see it close, and for `downMs` the
   * controller's reconnects are refused (calls' outbound sockets, the other direction, still
   * connect), so desk actions and arriving calls meet a controller without its link.
   */
  dropEslLink(downMs = 0): void {
    const l = this.current;
    if (!l) return;
    this.eslDownUntil = Math.max(this.eslDownUntil, this.vt.now() + downMs);
    for (const end of l.ends) if (end.remotePort === 8021) this.vt.scope(l.life)(() => end.destroy());
  }

  /**
   * The network drops the inbound link as the next transfer leg the controller originated is
   * answered: the tap runs before the event is written to any listener,
   * so the CHANNEL_ANSWER and the originate's BACKGROUND_JOB are lost with the link, while the
   * switch goes on with the leg. Stays armed until a linked controller is there to lose them.
   */
  dropEslAtNextAnswer(downMs: number): void {
    this.dropsAtAnswer.push(downMs);
  }

  private maybeDropAtAnswer(event: SimEvent): void {
    if (this.dropsAtAnswer.length === 0 || event.name !== 'CHANNEL_ANSWER') return;
    // the controller's own originates carry cti_transfer (src/transfer/attempt.ts)
    if (!event.headers.some(([h]) => h === 'variable_cti_transfer')) return;
    const l = this.current;
    if (!l || ![...l.ends].some((end) => end.remotePort === 8021)) return;
    this.droppedAtAnswer++;
    this.dropEslLink(this.dropsAtAnswer.shift());
  }

  /** The controller's `net.connect` to :8021. */
  private openEslLink(l: ControllerLife) {
    if (this.vt.now() < this.eslDownUntil) return refusedConnect(8021, this.vt.scope(l.life));
    const { a, b, ends } = memoryLink(8021, this.vt.scope(l.life), this.switchScope);
    l.ends.add(ends[0]);
    const window: { from: number; to?: number } = { from: this.vt.now() };
    this.eslLinks.push(window);
    ends[0].on('close', () => {
      l.ends.delete(ends[0]);
      l.linkedSince = undefined;
      window.to ??= this.vt.now();
    });
    this.switchScope(() => this.sim.server.accept(b));
    return a;
  }

  /**
   * The controller dies as it accepts the next call's socket: the connection is made (the
   * switch's `socket` app sees it accepted), nothing is ever sent on it, and it closes with the
   * process. `killed` runs after the kill (the explorer schedules the restart).
   */
  killAtNextAccept(killed: () => void): void {
    this.killAtAccept = killed;
  }

  /** The `socket` app's connection to the controller: refused while no controller runs. */
  private openCallSocket() {
    const l = this.current;
    if (!l) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8084'), { code: 'ECONNREFUSED' });
    const { a, b, ends } = memoryLink(this.ports++, this.switchScope, this.vt.scope(l.life));
    l.ends.add(ends[1]);
    ends[1].on('close', () => l.ends.delete(ends[1]));
    const killed = this.killAtAccept;
    if (killed) {
      this.killAtAccept = undefined;
      // after the switch has its end (this call returns it), as a process dying a moment later
      this.switchScope(() =>
        setTimeout(() => {
          if (this.current !== l) return;
          this.killedAtAccept++;
          this.killController();
          killed();
        }, 0),
      );
      return a;
    }
    this.vt.scope(l.life)(() => l.controller.accept(b));
    return a;
  }
}

/** A pino line as `msg (err.message)`, short enough for a report. */
function summarise(line: string): string {
  try {
    const o = JSON.parse(line) as { msg?: string; err?: { message?: string }; step?: string };
    return [o.msg, o.step ? `step ${o.step}` : '', o.err?.message ? `(${o.err.message})` : ''].filter(Boolean).join(' ');
  } catch {
    return line.trim();
  }
}
