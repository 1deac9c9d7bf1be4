// Time as the simulated switch sees it. The simulator runs in real time (timers are real
// setTimeout delays); the clock only gives the microsecond stamps FreeSWITCH writes into
// Event-Date-Timestamp, Caller-Channel-*-Time and the *_uepoch variables.
import type { SimClock } from '../contracts.js';

/** Wall-clock microseconds, never going backwards (switch_micro_time_now). */
export function systemClock(): SimClock {
  let last = 0;
  return {
    nowUs() {
      const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
      last = Math.max(last, us);
      return last;
    },
  };
}

/** Whole seconds, truncated, as FreeSWITCH's (time_t)(us / 1000000). */
export function epochSeconds(us: number): number {
  return Math.floor(us / 1_000_000);
}
