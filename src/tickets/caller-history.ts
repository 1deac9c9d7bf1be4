// The caller's earlier calls and tickets, for the agent's screen pop. Both reads use the
// (caller, time DESC) indexes, so they stay fast at ten million call records.
import type { Db } from '../store/index.js';
import { formatShanghai } from '../calendar/index.js';

const usIso = (us: number | null) => (us === null ? null : formatShanghai(new Date(Math.floor(us / 1000))));

export class CallerHistory {
  private readonly calls;
  private readonly tickets;

  constructor(db: Db) {
    // biome-ignore lint/suspicious/noExplicitAny: rows read by column name
    this.calls = db.prepare<[string, number], Record<string, any>>(
      'SELECT id, called, mode, origin_hotline, line, outcome, agent_id, started_us, ended_us FROM calls WHERE caller = ? ORDER BY started_us DESC LIMIT ?',
    );
    // biome-ignore lint/suspicious/noExplicitAny: rows read by column name
    this.tickets = db.prepare<[string, number], Record<string, any>>(
      'SELECT id, type, status, department_id, content, created_ms FROM tickets WHERE caller = ? ORDER BY created_ms DESC LIMIT ?',
    );
  }

  of(number: string, limit: number) {
    return {
      calls: this.calls.all(number, limit).map((c) => ({
        id: c.id,
        called: c.called,
        mode: c.mode,
        origin_hotline: c.origin_hotline,
        line: c.line,
        outcome: c.outcome,
        agent: c.agent_id,
        started_at: formatShanghai(new Date(Math.floor(c.started_us / 1000))),
        ended_at: usIso(c.ended_us),
      })),
      tickets: this.tickets.all(number, limit).map((t) => ({
        id: t.id,
        type: t.type,
        status: t.status,
        department: t.department_id,
        content: String(t.content).slice(0, 200),
        created_at: formatShanghai(new Date(t.created_ms)),
      })),
    };
  }
}
