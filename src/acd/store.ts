// Persistence of the ACD: who is logged in and in which state, and which calls wait. Small
// rows, written on each change in the turn's shared commit (GroupCommit), not a commit each;
// read once at start.
import type { Logger } from 'pino';
import type { Db } from '../store/index.js';
// from its own file: the store's index imports this file's migration
import { GroupCommit } from '../store/group-commit.js';
import type { Migration } from '../store/migrate.js';
import type { AgentState } from './agent-state.js';
import type { WaitingCall } from './waiting-call.js';

export const acdMigration: Migration = {
  version: 5,
  name: 'acd_state',
  up: `
CREATE TABLE acd_agents (id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_ms INTEGER NOT NULL);
CREATE TABLE acd_waiting (call_id TEXT PRIMARY KEY, entry TEXT NOT NULL);
`,
};

export class AcdStore {
  private readonly upsertAgent;
  private readonly upsertWaiting;
  private readonly deleteWaiting;
  private readonly writes: GroupCommit;

  constructor(
    private readonly db: Db,
    private readonly log?: Logger,
  ) {
    this.writes = GroupCommit.of(db);
    this.upsertAgent = db.prepare(
      'INSERT INTO acd_agents (id, state, updated_ms) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_ms = excluded.updated_ms',
    );
    this.upsertWaiting = db.prepare('INSERT INTO acd_waiting (call_id, entry) VALUES (?, ?) ON CONFLICT (call_id) DO UPDATE SET entry = excluded.entry');
    this.deleteWaiting = db.prepare('DELETE FROM acd_waiting WHERE call_id = ?');
  }

  loadAgents(): Map<string, AgentState> {
    const rows = this.db.prepare('SELECT id, state FROM acd_agents').all() as Array<{ id: string; state: string }>;
    return new Map(rows.map((r) => [r.id, JSON.parse(r.state) as AgentState]));
  }

  loadWaiting(): WaitingCall[] {
    return (this.db.prepare('SELECT entry FROM acd_waiting').pluck().all() as string[]).map((e) => JSON.parse(e) as WaitingCall);
  }

  saveAgent(id: string, state: AgentState): void {
    const row = [id, JSON.stringify(state), Date.now()] as const;
    this.write(() => this.upsertAgent.run(...row));
  }

  saveWaiting(call: WaitingCall): void {
    const row = [call.callId, JSON.stringify(call)] as const;
    this.write(() => this.upsertWaiting.run(...row));
  }

  removeWaiting(callId: string): void {
    this.write(() => this.deleteWaiting.run(callId));
  }

  /** Loses nothing but this one row if it fails: the ACD in memory goes on, and says so. */
  private write(statement: () => unknown): void {
    this.writes.runStatement(statement, (err: unknown) => this.log?.error({ err }, 'an ACD state write failed'));
  }
}
