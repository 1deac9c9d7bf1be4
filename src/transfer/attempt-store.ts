// Transfer attempts as stored (transfer_attempts; the hotline leg goes in call_legs through its
// owner, src/call/call-legs.ts, handed in by the call area), with FreeSWITCH's microsecond
// timestamps: the answer-rate figures are computed from these rows only.
import type { Db } from '../store/index.js';
import type { AttemptResult, TransferKind } from './rules.js';

/** The writer of call_legs (call/call-legs.ts): the hotline's leg is one of the call's legs. */
export interface LegRows {
  add(callId: string, leg: { id: string; kind: 'consult' | 'department' | 'emergency' | 'linkage'; endpoint: string; createdUs: number }): void;
  update(legId: string, fields: { answered_us?: number | null; ended_us?: number | null; hangup_cause?: string | null }): void;
}

export interface AttemptRecord {
  id: number;
  call_id: string;
  leg_id: string | null;
  hotline: string;
  kind: TransferKind;
  agent_id: string | null;
  created_us: number;
  answered_us: number | null;
  ended_us: number | null;
  result: AttemptResult | null;
  reason: string | null;
}

const LEG_KIND: Record<TransferKind, 'consult' | 'department' | 'emergency' | 'linkage'> = {
  warm: 'consult',
  three_way: 'consult',
  blind: 'department',
  emergency: 'emergency',
  linkage: 'linkage',
};

export class AttemptStore {
  private readonly insertAttempt;
  private readonly update;
  private readonly byId;

  constructor(
    readonly db: Db,
    private readonly legs: LegRows,
  ) {
    this.insertAttempt = db.prepare(
      `INSERT INTO transfer_attempts (call_id, leg_id, hotline, kind, agent_id, created_us, result, reason)
       VALUES (@call_id, @leg_id, @hotline, @kind, @agent_id, @created_us, @result, @reason)`,
    );
    this.update = db.prepare(
      `UPDATE transfer_attempts SET answered_us = coalesce(@answered_us, answered_us), ended_us = coalesce(@ended_us, ended_us),
       result = coalesce(@result, result), reason = coalesce(@reason, reason) WHERE id = @id`,
    );
    this.byId = db.prepare('SELECT * FROM transfer_attempts WHERE id = ?');
  }

  /** An attempt whose leg FreeSWITCH created at `createdUs`; the leg goes on the call record too. */
  placed(a: { callId: string; leg: string; hotline: string; endpoint: string; kind: TransferKind; agent: string | null; createdUs: number }): number {
    const run = this.db.transaction(() => {
      this.legs.add(a.callId, { id: a.leg, kind: LEG_KIND[a.kind], endpoint: a.endpoint, createdUs: a.createdUs });
      return Number(
        this.insertAttempt.run({
          call_id: a.callId,
          leg_id: a.leg,
          hotline: a.hotline,
          kind: a.kind,
          agent_id: a.agent,
          created_us: a.createdUs,
          result: null,
          reason: null,
        }).lastInsertRowid,
      );
    });
    return run();
  }

  /** A transfer refused before any leg was placed (outside working hours): kept, never counted. */
  refused(a: { callId: string; hotline: string; kind: TransferKind; agent: string | null; atUs: number; reason: string }): number {
    return Number(
      this.insertAttempt.run({
        call_id: a.callId,
        leg_id: null,
        hotline: a.hotline,
        kind: a.kind,
        agent_id: a.agent,
        created_us: a.atUs,
        result: 'refused',
        reason: a.reason,
      }).lastInsertRowid,
    );
  }

  /** A leg FreeSWITCH never created (no such gateway, refused at once): a failed attempt without a leg. */
  unplaced(a: { callId: string; hotline: string; kind: TransferKind; agent: string | null; atUs: number }): number {
    return Number(
      this.insertAttempt.run({
        call_id: a.callId,
        leg_id: null,
        hotline: a.hotline,
        kind: a.kind,
        agent_id: a.agent,
        created_us: a.atUs,
        result: null,
        reason: null,
      }).lastInsertRowid,
    );
  }

  answered(id: number, leg: string, answeredUs: number): void {
    this.update.run({ id, answered_us: answeredUs, ended_us: null, result: 'answered', reason: null });
    this.legs.update(leg, { answered_us: answeredUs });
  }

  ended(id: number, leg: string, e: { endedUs: number | null; cause: string | null; result?: AttemptResult; reason?: string }): void {
    this.update.run({ id, answered_us: null, ended_us: e.endedUs, result: e.result ?? null, reason: e.reason ?? null });
    this.legs.update(leg, { ended_us: e.endedUs, hangup_cause: e.cause });
  }

  get(id: number): AttemptRecord | undefined {
    return this.byId.get(id) as AttemptRecord | undefined;
  }
}
