// A seeded pseudo-random generator (mulberry32), so that one scenario seed gives one run:
// the same answer delays, the same busy and unreachable draws, the same Poisson arrivals.

export interface Random {
  /** uniform in [0, 1) */
  next(): number;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** Exponentially distributed gap with the given rate per unit, for Poisson arrivals. */
export function exponential(random: Random, ratePerUnit: number): number {
  return -Math.log(1 - random.next()) / ratePerUnit;
}
