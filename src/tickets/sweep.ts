// The light sweep (a node-cron job, every minute): records each light change of a running
// clock once and queues its reminder. Lights are derived data, so the sweep does not bump
// the ticket's version: a clerk's action racing the sweep never gets a spurious conflict.
import type { Db } from '../store/index.js';
import type { Clock, Light, TicketClocks } from './clocks.js';
import type { ReminderSender } from './reminders.js';
import type { TicketRows } from './rows.js';

interface Due {
  id: number;
  cycle: number;
  department_id: string | null;
  due: number;
}

const running: Record<Clock, string> = { sign: "status = 'dispatched'", resolve: "status IN ('dispatched', 'signed')" };

export interface SweepResult {
  yellow: number;
  red: number;
}

export class LightSweep {
  constructor(
    private readonly db: Db,
    /** the tickets table's one writer */
    private readonly rows: TicketRows,
    private readonly clocks: () => TicketClocks,
    private readonly reminders: ReminderSender,
  ) {}

  run(now: Date): SweepResult {
    const nowMs = now.getTime();
    const result: SweepResult = { yellow: 0, red: 0 };
    const clocks = this.clocks();
    this.db.transaction(() => {
      for (const clock of ['sign', 'resolve'] as const) {
        result.red += this.turn(clock, 'red', `light_${clock} IN ('green', 'yellow') AND ${clock}_due_ms < @nowMs`, { nowMs });
        const bound = clocks.yellowBound(nowMs, clock);
        result.yellow += this.turn(clock, 'yellow', `light_${clock} = 'green' AND ${clock}_due_ms >= @nowMs AND ${clock}_due_ms <= @bound`, { nowMs, bound });
      }
    })();
    return result;
  }

  private turn(clock: Clock, light: Light, condition: string, args: Record<string, number>): number {
    const rows = this.db
      .prepare<Record<string, number>, Due>(`SELECT id, cycle, department_id, ${clock}_due_ms AS due FROM tickets WHERE ${running[clock]} AND ${condition}`)
      .all(args);
    if (rows.length === 0) return 0;
    const record = this.db.prepare(
      'INSERT INTO ticket_light_changes (ticket_id, cycle, clock, light, due_ms, at_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    for (const r of rows) {
      this.rows.setLight(r.id, clock, light);
      if (record.run(r.id, r.cycle, clock, light, r.due, args.nowMs).changes === 1) {
        this.reminders.lightChanged(r, clock, light, r.due, args.nowMs!);
      }
    }
    return rows.length;
  }
}
