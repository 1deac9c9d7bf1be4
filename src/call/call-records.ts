// One row per call (docs/architecture.md §4 call record), written as the call goes: opened when the
// controller takes the call, filled in as it is answered, queued, bridged and ended. Times
// are FreeSWITCH's microseconds (Event-Date-Timestamp), never Node's clock.
// The writes of one event-loop turn are committed together (the database's GroupCommit): a
// commit per statement was most of the controller's SQLite time at hundreds of calls a second. Reads
// through this class see every write made before them.
import type { Logger } from 'pino';
import { GroupCommit, type Db } from '../store/index.js';
import { CallLegs, type LegEnd, type LegOpen } from './call-legs.js';

/**
 * The hangup cause of a record whose call ended while no controller was up (adoption's
 * closeVanished): its end and anything after the controller died are unknown, so the figures
 * leave it out (docs/figures.md#service-level).
 */
export const ENDED_UNSEEN = 'ENDED_WHILE_CONTROLLER_DOWN';

export type Outcome = 'answered' | 'abandoned_ivr' | 'abandoned_queue' | 'transferred' | 'callback' | 'voicemail' | 'failed';

export interface CallOpen {
  id: string;
  caller: string;
  called: string;
  mode: 'main' | 'direct' | 'parallel' | 'emergency' | 'linkage' | 'unknown';
  originHotline: string | null;
  department: string | null;
  priority: number;
  startedUs: number;
}

export type CallUpdate = Partial<{
  line: string | null;
  answered_us: number;
  queue_entered_us: number;
  queue_left_us: number;
  agent_answered_us: number;
  agent_id: string;
  ended_us: number;
  outcome: Outcome;
  hangup_cause: string;
  recording_path: string;
  survey_score: number;
  department_id: string;
}>;

export class CallRecords {
  private readonly insert;
  private readonly legs: CallLegs;
  private readonly statements = new Map<string, ReturnType<Db['prepare']>>();
  private readonly writes: GroupCommit;

  constructor(
    readonly db: Db,
    private readonly log?: Logger,
  ) {
    this.writes = GroupCommit.of(db);
    this.insert = db.prepare(
      `INSERT INTO calls (id, caller, called, mode, origin_hotline, department_id, priority, started_us)
       VALUES (@id, @caller, @called, @mode, @originHotline, @department, @priority, @startedUs) ON CONFLICT (id) DO NOTHING`,
    );
    this.legs = new CallLegs(db);
  }

  /** Opens the record once (at the end of this turn); opening it again changes nothing. */
  open(c: CallOpen): void {
    const row = { ...c };
    this.write(() => this.insert.run(row));
  }

  /** Opens the record now; false when it was already there (a call adopted a second time). */
  openNow(c: CallOpen): boolean {
    this.flush();
    return this.insert.run(c).changes === 1;
  }

  update(id: string, fields: CallUpdate): void {
    const cols = Object.keys(fields).sort();
    if (cols.length === 0) return;
    const sql = `UPDATE calls SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`;
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    const statement = s;
    const params = { ...fields, id };
    this.write(() => statement.run(params));
  }

  leg(callId: string, leg: LegOpen): void {
    const row = { ...leg };
    this.write(() => this.legs.add(callId, row));
  }

  legEnded(legId: string, fields: LegEnd): void {
    const row = { ...fields };
    this.write(() => this.legs.update(legId, row));
  }

  /** Commits the writes queued so far, for a reader that must see them. */
  flush(): void {
    this.writes.flushNow();
  }

  /** One statement, queued for this turn's transaction; one that fails is undone alone and logged. */
  private write(statement: () => unknown): void {
    this.writes.runStatement(statement, (err: unknown) => this.log?.error({ err }, 'a call record write failed'));
  }

  /** Calls with no end and no hangup cause yet. */
  openCalls(): Array<{ id: string; outcome: Outcome | null; queue_entered_us: number | null }> {
    this.flush();
    return this.db.prepare('SELECT id, outcome, queue_entered_us FROM calls WHERE ended_us IS NULL AND hangup_cause IS NULL').all() as Array<{
      id: string;
      outcome: Outcome | null;
      queue_entered_us: number | null;
    }>;
  }

  get(id: string): Record<string, unknown> | undefined {
    this.flush();
    return this.db.prepare('SELECT * FROM calls WHERE id = ?').get(id) as Record<string, unknown> | undefined;
  }
}
