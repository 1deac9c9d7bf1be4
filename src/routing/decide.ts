// Where an inbound call goes (docs/architecture.md §1, §5): pure, from the channel's tags (set by the
// generated dialplan), the routing plan and the working calendar. The call flow acts on the
// decision; nothing here touches a socket.
import type { MarkedOpening, WorkingCalendar } from '../calendar/index.js';
import type { Hotline, IvrLine, RoutingPlan } from '../config/index.js';

/** The tags the dialplan puts on a call (cti_mode, cti_origin_hotline, cti_department, cti_priority). */
export interface CallTags {
  mode: 'main' | 'direct' | 'parallel' | 'emergency' | 'unknown';
  originHotline: string | null;
  department: string | null;
  priority: number;
  destination: string;
}

export type QueueReason = 'menu' | 'direct' | 'police-diversion' | 'parallel-after-hours' | 'unknown-number';

export type RouteDecision =
  | { kind: 'menu'; lines: IvrLine[]; defaultLine: string; timeoutS: number }
  | {
      kind: 'queue';
      line: string;
      queue: string;
      priority: number;
      originHotline: string | null;
      department: string | null;
      reason: QueueReason;
      hoursProvisional?: true;
    }
  | { kind: 'department'; hotline: Hotline; endpoint: string; hoursProvisional?: true };

export const DEFAULT_PRIORITY = 5;

export function decideRoute(tags: CallTags, at: Date, plan: RoutingPlan, calendar: WorkingCalendar): RouteDecision {
  const queue = (reason: QueueReason, extra: Partial<{ priority: number; originHotline: string | null; department: string | null }> = {}) =>
    queueOn(plan.ivr.defaultLine, plan, {
      reason,
      priority: extra.priority ?? tags.priority,
      originHotline: extra.originHotline ?? tags.originHotline,
      department: extra.department ?? tags.department,
    });

  switch (tags.mode) {
    case 'main':
      return { kind: 'menu', lines: plan.ivr.lines, defaultLine: plan.ivr.defaultLine, timeoutS: plan.ivr.digitTimeoutS };
    case 'direct':
      return queue('direct');
    case 'emergency':
      return queue('police-diversion', { priority: plan.policeDiversion.priority });
    case 'parallel': {
      const hotline = tags.originHotline ? plan.byNumber.get(tags.originHotline) : undefined;
      if (hotline?.mode !== 'parallel' || !hotline.transfer) return queue('unknown-number');
      const hours = hotlineOpen(hotline, at, calendar);
      const mark = hours.provisional ? { hoursProvisional: true as const } : {};
      if (hours.open) return { kind: 'department', hotline, endpoint: hotline.transfer.endpoint, ...mark };
      return { ...queue('parallel-after-hours', { department: hotline.department }), ...mark };
    }
    case 'unknown':
      return queue('unknown-number', { originHotline: null, department: null });
  }
}

/** The caller's menu choice; no input, a timeout or a key that is not a line → the default line. */
export function lineForDigits(
  digits: string,
  plan: RoutingPlan,
  tags: Pick<CallTags, 'priority' | 'originHotline' | 'department'>,
): RouteDecision & { kind: 'queue' } {
  const chosen = plan.ivr.lines.find((l) => l.digit === digits);
  return queueOn(chosen ? chosen.digit : plan.ivr.defaultLine, plan, { reason: 'menu', ...tags });
}

function queueOn(digit: string, plan: RoutingPlan, tags: { reason: QueueReason; priority: number; originHotline: string | null; department: string | null }) {
  const line = plan.ivr.lines.find((l) => l.digit === digit)!;
  return { kind: 'queue' as const, line: line.digit, queue: line.queue, ...tags };
}

/**
 * Whether a hotline's own seats answer now. A hotline without a schedule always does. On a date
 * of a year without holiday data the weekday rule answers, marked provisional: a department
 * that keeps Monday-to-Friday hours is far more often open on such a day than not, and the
 * marked answer is shown to agents and logged, where treating it as closed sent every caller
 * of that hotline to 12345 for weeks each year.
 */
export function hotlineOpen(hotline: Hotline, at: Date, calendar: WorkingCalendar): MarkedOpening {
  if (!hotline.schedule) return { open: true, provisional: false };
  return calendar.openingAt(at, hotline.schedule.periods, hotline.schedule.days);
}

/** Reads the dialplan's channel variables (a missing one is empty: `set name=` unsets it in FreeSWITCH). */
export function tagsFromVariables(
  vars: ReadonlyMap<string, string> | Record<string, string | undefined> | ((name: string) => string | undefined),
  destination: string,
): CallTags {
  const get = (name: string) =>
    (typeof vars === 'function' ? vars(name) : vars instanceof Map ? vars.get(name) : (vars as Record<string, string | undefined>)[name]) ?? '';
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
