// Where an inbound call goes (DESIGN.md §1, §5): pure, from the channel's tags (set by the
// generated dialplan), the routing plan and the working calendar. The call flow acts on the
// decision; nothing here touches a socket.
import { CtiError } from '../errors.js';
import type { WorkingCalendar } from '../calendar/index.js';
import type { Hotline, IvrLine, RoutingPlan } from '../config/index.js';

/** The tags the dialplan puts on a call (cti_mode, cti_origin_hotline, cti_department, cti_priority). */
export interface CallTags {
  mode: 'main' | 'direct' | 'parallel' | 'emergency' | 'unknown';
  originHotline: string | null;
  department: string | null;
  priority: number;
  destination: string;
}

export type QueueReason = 'menu' | 'direct' | 'police-diversion' | 'parallel-after-hours' | 'parallel-calendar-missing' | 'unknown-number';

export type RouteDecision =
  | { kind: 'menu'; lines: IvrLine[]; defaultLine: string; timeoutS: number }
  | { kind: 'queue'; line: string; queue: string; priority: number; originHotline: string | null; department: string | null; reason: QueueReason }
  | { kind: 'department'; hotline: Hotline; endpoint: string };

export const DEFAULT_PRIORITY = 5;

export function decideRoute(tags: CallTags, at: Date, plan: RoutingPlan, calendar: WorkingCalendar): RouteDecision {
  const queue = (reason: QueueReason, extra: Partial<{ priority: number; originHotline: string | null; department: string | null }> = {}) =>
    queueOn(plan.ivr.defaultLine, plan, { reason, priority: extra.priority ?? tags.priority, originHotline: extra.originHotline ?? tags.originHotline, department: extra.department ?? tags.department });

  switch (tags.mode) {
    case 'main':
      return { kind: 'menu', lines: plan.ivr.lines, defaultLine: plan.ivr.defaultLine, timeoutS: plan.ivr.digitTimeoutS };
    case 'direct':
      return queue('direct');
    case 'emergency':
      return queue('police-diversion', { priority: plan.policeDiversion.priority });
    case 'parallel': {
      const hotline = tags.originHotline ? plan.byNumber.get(tags.originHotline) : undefined;
      if (!hotline || hotline.mode !== 'parallel' || !hotline.transfer) return queue('unknown-number');
      const open = hotlineOpen(hotline, at, calendar);
      if (open === 'open') return { kind: 'department', hotline, endpoint: hotline.transfer.endpoint };
      return queue(open === 'closed' ? 'parallel-after-hours' : 'parallel-calendar-missing', { department: hotline.department });
    }
    case 'unknown':
      return queue('unknown-number', { originHotline: null, department: null });
  }
}

/** The caller's menu choice; no input, a timeout or a key that is not a line → the default line. */
export function lineForDigits(digits: string, plan: RoutingPlan, tags: Pick<CallTags, 'priority' | 'originHotline' | 'department'>): RouteDecision & { kind: 'queue' } {
  const chosen = plan.ivr.lines.find((l) => l.digit === digits);
  return queueOn(chosen ? chosen.digit : plan.ivr.defaultLine, plan, { reason: 'menu', ...tags });
}

function queueOn(digit: string, plan: RoutingPlan, tags: { reason: QueueReason; priority: number; originHotline: string | null; department: string | null }) {
  const line = plan.ivr.lines.find((l) => l.digit === digit)!;
  return { kind: 'queue' as const, line: line.digit, queue: line.queue, ...tags };
}

/**
 * Whether a hotline's own seats answer now. A hotline without a schedule always does. A date
 * without calendar data is reported as 'unknown' (the caller then gets 12345, which always
 * answers, and the gap is logged and alerted), never guessed from the weekday.
 */
export function hotlineOpen(hotline: Hotline, at: Date, calendar: WorkingCalendar): 'open' | 'closed' | 'unknown' {
  if (!hotline.schedule) return 'open';
  try {
    return calendar.isWithinPeriods(at, hotline.schedule.periods, hotline.schedule.days) ? 'open' : 'closed';
  } catch (err) {
    if (err instanceof CtiError && err.code === 'CTI_CALENDAR_NO_DATA') return 'unknown';
    throw err;
  }
}

/** Reads the dialplan's channel variables (a missing one is empty: `set name=` unsets it in FreeSWITCH). */
export function tagsFromVariables(vars: ReadonlyMap<string, string> | Record<string, string | undefined> | ((name: string) => string | undefined), destination: string): CallTags {
  const get = (name: string) => (typeof vars === 'function' ? vars(name) : vars instanceof Map ? vars.get(name) : (vars as Record<string, string | undefined>)[name]) ?? '';
  const mode = get('cti_mode');
  const known = ['main', 'direct', 'parallel', 'emergency', 'unknown'] as const;
  const priority = Number.parseInt(get('cti_priority'), 10);
  return {
    mode: (known as readonly string[]).includes(mode) ? (mode as CallTags['mode']) : 'unknown',
    originHotline: get('cti_origin_hotline') || null,
    department: get('cti_department') || null,
    priority: Number.isInteger(priority) && priority >= 1 && priority <= 10 ? priority : DEFAULT_PRIORITY,
    destination,
  };
}
