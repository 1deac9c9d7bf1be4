// Write-through persistence of the ACD: who is logged in and in which state, and which calls
// wait. Small rows, written on each change; read once at start.
import type { Db } from '../store/index.js';
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

  constructor(private readonly db: Db) {
    this.upsertAgent = db.prepare('INSERT INTO acd_agents (id, state, updated_ms) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_ms = excluded.updated_ms');
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
    this.upsertAgent.run(id, JSON.stringify(state), Date.now());
  }

  saveWaiting(call: WaitingCall): void {
    this.upsertWaiting.run(call.callId, JSON.stringify(call));
  }

  removeWaiting(callId: string): void {
    this.deleteWaiting.run(callId);
  }
}
