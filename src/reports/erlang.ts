// Erlang C staffing hint (issue: capacity hint): how many seats reach the target service
// level, from the measured arrival rate and talk time. Computed through the Erlang B
// recursion, which stays exact where factorials would overflow.

/** Probability that a call waits (Erlang C) with `agents` seats and `traffic` Erlangs. */
export function erlangC(agents: number, traffic: number): number {
  if (agents <= traffic) return 1;
  let b = 1; // Erlang B with 0 agents
  for (let k = 1; k <= agents; k++) b = (traffic * b) / (k + traffic * b);
  return b / (1 - (traffic / agents) * (1 - b));
}

/** Share of calls answered within `targetS` seconds. */
export function serviceLevelOf(agents: number, callsPerHour: number, handleS: number, targetS: number): number {
  const traffic = (callsPerHour * handleS) / 3600;
  if (agents <= traffic) return 0;
  return 1 - erlangC(agents, traffic) * Math.exp((-(agents - traffic) * targetS) / handleS);
}

/** The fewest seats that answer at least `targetRate` of calls within `targetS`; null above `max`. */
export function seatsNeeded(callsPerHour: number, handleS: number, targetS: number, targetRate: number, max = 500): number | null {
  if (callsPerHour <= 0) return 0;
  for (let n = 1; n <= max; n++) if (serviceLevelOf(n, callsPerHour, handleS, targetS) >= targetRate) return n;
  return null;
}
