// The capacity hint (docs/figures.md#capacity-hint): how many seats answer 95% of calls within
// 15 s at the load of the last hour, by Erlang C. The load is a sliding window, not the day so
// far: averaged since midnight, a morning peak with 16 callers waiting read as 9.9 calls an hour.
import type { RoutingPlan } from '../config/index.js';
import { formatShanghai } from '../calendar/index.js';
import { seatsNeeded } from './erlang.js';
import type { CapacityLoad, Range } from './figures.js';
import { capacityDefinition } from './definitions.js';

/** Talk time assumed when no answered call in the window has ended yet. */
export const ASSUMED_TALK_S = 180;

export interface CapacityHint {
  window: { from: string; to: string };
  definition: string;
  arrivals: number;
  calls_per_hour: number;
  answered: number;
  talk_samples: number;
  average_talk_s: number | null;
  wrap_up_s: number;
  average_handle_s: number;
  waiting_now: number | null;
  seats_configured: number;
  seats_needed: number | null;
  target: string;
  basis: string;
}

export function capacityHint(plan: RoutingPlan, range: Range, load: CapacityLoad, waitingNow: number | null): CapacityHint {
  const { answerTargetS, targetRate } = plan.serviceLevel;
  const hours = (range.toMs - range.fromMs) / 3_600_000;
  const callsPerHour = hours > 0 ? load.arrivals / hours : 0;
  const talkS = load.average_talk_s ?? ASSUMED_TALK_S;
  const handleS = talkS + plan.acd.wrapUpS;
  const needed = seatsNeeded(callsPerHour, handleS, answerTargetS, targetRate);
  const window = { from: formatShanghai(new Date(range.fromMs)), to: formatShanghai(new Date(range.toMs)) };
  return {
    window,
    definition: capacityDefinition(plan),
    arrivals: load.arrivals,
    calls_per_hour: callsPerHour,
    answered: load.answered,
    talk_samples: load.talk_samples,
    average_talk_s: load.average_talk_s,
    wrap_up_s: plan.acd.wrapUpS,
    average_handle_s: handleS,
    waiting_now: waitingNow,
    seats_configured: plan.seats.length,
    seats_needed: needed,
    target: `${targetRate * 100}% / ${answerTargetS} s`,
    basis: basisText(plan, window, load, { callsPerHour, talkS, handleS, needed, waitingNow, minutes: Math.round(hours * 60) }),
  };
}

function basisText(
  plan: RoutingPlan,
  window: { from: string; to: string },
  load: CapacityLoad,
  f: { callsPerHour: number; talkS: number; handleS: number; needed: number | null; waitingNow: number | null; minutes: number },
): string {
  const hm = (iso: string) => iso.slice(11, 16);
  const talk =
    load.average_talk_s === null
      ? `其间无已结束的接听通话，通话时长按${ASSUMED_TALK_S}秒估计`
      : `平均通话${Math.round(f.talkS)}秒（${load.talk_samples}通已结束）`;
  const seats = f.needed === null ? '超出可估算范围' : `需${f.needed}名在岗坐席`;
  const waiting = f.waitingNow === null ? '' : `；当前排队${f.waitingNow}通`;
  return `近${f.minutes}分钟（${hm(window.from)}–${hm(window.to)}）进入12345队列${load.arrivals}通，折合每小时${f.callsPerHour.toFixed(1)}通；坐席接听${load.answered}通，${talk}，加话后整理${plan.acd.wrapUpS}秒，平均处理${Math.round(f.handleS)}秒；按Erlang C，${plan.serviceLevel.targetRate * 100}%来电${plan.serviceLevel.answerTargetS}秒内接听${seats}${waiting}。`;
}
