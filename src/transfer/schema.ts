// The transfer attempts' table, as released in version 4 (src/schema.ts joins the parts of
// that migration). Written only by transfer/attempt-store.ts.

/** transfer_attempts: the third part of version 4. */
export const transferAttemptsDdl = `CREATE TABLE transfer_attempts (
  id INTEGER PRIMARY KEY,
  call_id TEXT NOT NULL REFERENCES calls(id),
  leg_id TEXT,
  hotline TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('warm','blind','three_way','emergency','linkage')),
  agent_id TEXT,
  created_us INTEGER NOT NULL,
  answered_us INTEGER,
  ended_us INTEGER,
  result TEXT CHECK (result IN ('answered','busy','no_answer','failed','cancelled','refused')),
  reason TEXT
);
CREATE INDEX transfer_attempts_by_hotline ON transfer_attempts (hotline, created_us);
CREATE INDEX transfer_attempts_by_call ON transfer_attempts (call_id);

`;
