// The call records' tables, as released in version 4 (src/schema.ts joins the parts of that
// migration). Call times keep FreeSWITCH's microseconds (*_us, from Event-Date-Timestamp and the
// *_uepoch variables), so answer-time figures are never rounded before they are reported.
// Written only by call/call-records.ts (calls) and call/call-legs.ts (call_legs).

/** calls and call_legs: the second part of version 4. */
export const callsDdl = `CREATE TABLE calls (
  id TEXT PRIMARY KEY,                    -- Unique-ID of the caller's channel
  caller TEXT NOT NULL,
  called TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('main','direct','parallel','emergency','linkage','unknown')),
  origin_hotline TEXT,
  department_id TEXT,
  line TEXT,
  priority INTEGER NOT NULL DEFAULT 5,
  started_us INTEGER NOT NULL,
  answered_us INTEGER,
  queue_entered_us INTEGER,
  queue_left_us INTEGER,
  agent_answered_us INTEGER,
  ended_us INTEGER,
  agent_id TEXT,
  outcome TEXT CHECK (outcome IN ('answered','abandoned_ivr','abandoned_queue','transferred','callback','voicemail','failed')),
  hangup_cause TEXT,
  recording_path TEXT,
  survey_score INTEGER CHECK (survey_score BETWEEN 1 AND 3)
);
CREATE INDEX calls_by_caller ON calls (caller, started_us DESC);
CREATE INDEX calls_by_start ON calls (started_us);

CREATE TABLE call_legs (
  id TEXT PRIMARY KEY,                    -- Unique-ID of the leg
  call_id TEXT NOT NULL REFERENCES calls(id),
  kind TEXT NOT NULL CHECK (kind IN ('caller','agent','consult','department','emergency','linkage')),
  endpoint TEXT,
  created_us INTEGER NOT NULL,
  answered_us INTEGER,
  ended_us INTEGER,
  hangup_cause TEXT
);
CREATE INDEX call_legs_by_call ON call_legs (call_id);

`;
