// The legs of a call (call_legs): the caller's, each agent's ring, each hotline leg of a transfer,
// with FreeSWITCH's microsecond times. This module is the only writer of the table; the call's
// record (call-records.ts) and the transfer attempts (src/transfer/attempt-store.ts) write
// through it, so the SQL and its "first value wins" rule live in one place.
import type { Db } from '../store/index.js';

export type LegKind = 'caller' | 'agent' | 'consult' | 'department' | 'emergency' | 'linkage';

export interface LegOpen {
  id: string;
  kind: LegKind;
  endpoint: string;
  createdUs: number;
}

/** What became of a leg; a field left null keeps what is recorded (a later event may say less). */
export interface LegEnd {
  answered_us?: number | null;
  ended_us?: number | null;
  hangup_cause?: string | null;
}

export class CallLegs {
  private readonly insert;
  private readonly end;

  constructor(db: Db) {
    this.insert = db.prepare('INSERT INTO call_legs (id, call_id, kind, endpoint, created_us) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING');
    this.end = db.prepare(
      'UPDATE call_legs SET answered_us = coalesce(@answered_us, answered_us), ended_us = coalesce(@ended_us, ended_us), hangup_cause = coalesce(@hangup_cause, hangup_cause) WHERE id = @id',
    );
  }

  /** Records a leg once; recording it again changes nothing. */
  add(callId: string, leg: LegOpen): void {
    this.insert.run(leg.id, callId, leg.kind, leg.endpoint, leg.createdUs);
  }

  update(legId: string, fields: LegEnd): void {
    this.end.run({ answered_us: fields.answered_us ?? null, ended_us: fields.ended_us ?? null, hangup_cause: fields.hangup_cause ?? null, id: legId });
  }
}
