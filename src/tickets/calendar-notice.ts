// The admins' SMS about next year's holiday data: sent from CALENDAR_WARNING_DAYS before
// ticket deadlines start to reach the year without data, once per year and admin (the outbox
// dedupes on the key, so hourly checks and restarts never repeat it).
import { formatShanghai, type CalendarCoverage } from '../calendar/index.js';
import type { SmsQueue } from './reminders.js';

export interface CalendarNoticeDeps {
  coverage: () => CalendarCoverage;
  sms: SmsQueue | null;
  adminMobiles: () => string[];
}

/** Queues the notice when it is due; returns how many admins it was queued for now. */
export function noticeCalendarGap(deps: CalendarNoticeDeps, now: Date): { due: boolean; queued: number } {
  const c = deps.coverage();
  if (now.getTime() < c.warnFrom.getTime() || !deps.sms) return { due: now.getTime() >= c.warnFrom.getTime(), queued: 0 };
  const after = formatShanghai(c.deadlinesProvisionalAfter).slice(0, 16).replace('T', ' ');
  const text = `【12345】系统尚无${c.missingYear}年节假日数据：${after}后派发的工单时限将按周一至周五暂定计算。请管理员在 calendar.yaml 中录入${c.missingYear}年放假安排。`;
  let queued = 0;
  for (const to of deps.adminMobiles()) {
    if (deps.sms.enqueue({ to, text, kind: 'other', dedupeKey: `calendar:${c.missingYear}:${to}` }, now).created) queued++;
  }
  return { due: true, queued };
}
