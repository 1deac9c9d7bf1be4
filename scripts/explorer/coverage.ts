// Which failure kinds a run actually produced, from its history and traffic: a run that never
// saw an agent decline proves nothing about declines. The CI run requires every kind.
import type { ExplorerHistory } from './history.js';
import type { Traffic } from './traffic.js';

export type Coverage = Record<string, number>;

export function coverageOf(h: ExplorerHistory, t: Traffic): Coverage {
  const seatLegs = h.legs.filter((l) => l.seat !== null);
  const deptLegs = h.legs.filter((l) => l.seat === null);
  const causes = (legs: typeof h.legs, cause: string) => legs.filter((l) => l.hangupCause === cause).length;
  const desk = (action: string) => t.items.filter((i) => i.kind === 'desk' && i.action === action).length;
  const attempts = (kind: string) => h.attempts.filter((a) => a.kind === kind).length;
  const outcome = (o: string) => h.records.filter((r) => r.outcome === o).length;
  return {
    'calls placed': h.callers.length,
    'agent answered': seatLegs.filter((l) => l.answeredAt !== undefined).length,
    'agent declined (CALL_REJECTED)': causes(seatLegs, 'CALL_REJECTED'),
    'agent busy (USER_BUSY)': causes(seatLegs, 'USER_BUSY'),
    // refused before any leg exists: counted as the offers to seats whose phone is not registered
    'agent not registered (USER_NOT_REGISTERED)': h.offers.filter((o) => t.agents.some((a) => a.id === o.seat && a.registered === false)).length,
    'agent rang out (no answer)': seatLegs.filter((l) => l.answeredAt === undefined && (l.hangupCause === 'NO_ANSWER' || l.hangupCause === 'ORIGINATOR_CANCEL'))
      .length,
    'agent hung up a talk': seatLegs.filter((l) => l.answeredAt !== undefined && l.hangupCause === 'NORMAL_CLEARING').length,
    'department answered': deptLegs.filter((l) => l.answeredAt !== undefined).length,
    'department busy': causes(deptLegs, 'USER_BUSY'),
    'department unreachable': causes(deptLegs, 'NORMAL_TEMPORARY_FAILURE'),
    'department rang out': deptLegs.filter(
      (l) => l.answeredAt === undefined && (l.hangupCause === 'NO_ANSWER' || l.hangupCause === 'ORIGINATOR_CANCEL' || l.hangupCause === 'ALLOTTED_TIMEOUT'),
    ).length,
    'department early media': Object.values(t.hotlines).filter((b) => b.earlyMedia).length,
    'caller hung up': h.callers.filter((c) => c.callerLeft).length,
    'caller pressed keys': t.items.filter((i) => i.kind === 'call' && i.dtmf.length > 0).length,
    'transfer warm': attempts('warm'),
    'transfer blind': attempts('blind'),
    'transfer three-way': attempts('three_way') + desk('join'),
    'transfer emergency': attempts('emergency'),
    'transfer linkage': attempts('linkage'),
    'hold asked': desk('hold'),
    'controller killed': t.items.filter((i) => i.kind === 'fault' && i.fault === 'kill').length,
    'controller killed as it accepted a call': h.killedAtAccept ?? 0,
    'routing.yaml reloaded': t.items.filter((i) => i.kind === 'fault' && i.fault === 'reload').length,
    'ESL link dropped': t.items.filter((i) => i.kind === 'fault' && i.fault === 'drop-esl').length,
    'ESL link dropped as a transfer leg answered': h.droppedAtAnswer ?? 0,
    'dialplan fallback': h.callers.filter((c) => c.fallback).length,
    'outcome answered': outcome('answered'),
    'outcome transferred': outcome('transferred'),
    'outcome abandoned': outcome('abandoned_ivr') + outcome('abandoned_queue'),
    'outcome callback or voicemail': outcome('callback') + outcome('voicemail'),
  };
}

/** The kinds a run is missing (count 0). */
export function missingKinds(c: Coverage): string[] {
  return Object.entries(c)
    .filter(([, n]) => n === 0)
    .map(([k]) => k);
}
