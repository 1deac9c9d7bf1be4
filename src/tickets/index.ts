// The ticket store's public surface, and the one place that wires it to config, users and SMS.
import { workingCalendarOf, type ConfigWatcher, type CtiConfig } from '../config/index.js';
import { calendarCoverage, type CalendarCoverage } from '../calendar/index.js';
import type { Db } from '../store/index.js';
import type { UserStore } from '../auth/index.js';
import { TicketClocks } from './clocks.js';
import { TicketDesk } from './desk.js';
import { LightSweep } from './sweep.js';
import { ReminderSender, type Recipients, type SmsQueue } from './reminders.js';
import { AttachmentStore } from './attachments.js';
import { syncDepartments } from './departments.js';
import { recomputeProvisional, type RecomputeResult } from './provisional.js';

export { TicketDesk, type NewTicket, type ActionInput } from './desk.js';
export { TicketClocks, worstLight, type Light, type Clock, type Deadlines } from './clocks.js';
export type { RecomputeResult } from './provisional.js';
export { noticeCalendarGap } from './calendar-notice.js';
export { LightSweep, type SweepResult } from './sweep.js';
export { AttachmentStore } from './attachments.js';
export { ticketsPlugin, intakePlugin, type TicketsPluginOptions } from './routes.js';
export { departmentsDdl, ticketsDdl } from './migration.js';
export { maskNumber } from './view.js';
export * from './lifecycle.js';

export function clocksOf(config: CtiConfig): TicketClocks {
  return new TicketClocks(workingCalendarOf(config), config.routing.tickets);
}

export interface TicketArea {
  desk: TicketDesk;
  sweep: LightSweep;
  attachments: AttachmentStore;
  /** the clocks in force (calendar and settings of the config in force) */
  clocks(): TicketClocks;
  /** recomputes provisional deadlines on the calendar in force, then sweeps the lights */
  recomputeProvisional(now: Date): RecomputeResult;
  /** how far the holiday data reaches for the longest ticket clock, seen from `now` */
  coverage(now: Date): CalendarCoverage;
}

export interface TicketAreaDeps {
  db: Db;
  config: ConfigWatcher;
  users: UserStore;
  sms: SmsQueue | null;
  attachmentsDir: string;
  now: () => Date;
  /** told how many provisional deadlines each calendar change recomputed */
  onRecompute?: (result: RecomputeResult) => void;
}

export function createTicketArea(deps: TicketAreaDeps): TicketArea {
  const { db, config, users } = deps;
  const { attachmentsPerTicket: perTicket, attachmentsPerUserPerDay: perUserPerDay } = config.current.server.limits;
  const quotas = { perTicket, perUserPerDay };
  let clocks = clocksOf(config.current);
  syncDepartments(db, config.current.routing);

  // Handlers hear of new, yellow and red tickets; the department head too when it is red or supervised.
  const recipients: Recipients = (department, purpose) => {
    const contacts = users.mobilesOf(department);
    const wanted = purpose === 'red' || purpose === 'supervision' ? contacts : contacts.filter((c) => c.role === 'dept_handler');
    const numbers = new Set(wanted.map((c) => c.mobile));
    const head = config.current.routing.departments.get(department)?.headMobile;
    if (head && (purpose === 'red' || purpose === 'supervision')) numbers.add(head);
    return [...numbers];
  };

  const desk = new TicketDesk({
    db,
    clocks: () => clocks,
    departmentExists: (id) => config.current.routing.departments.has(id),
    sms: deps.sms,
    recipients,
    now: deps.now,
  });
  const sweep = new LightSweep(db, desk.rows, () => clocks, new ReminderSender(deps.sms, recipients));
  // The sweep right after moves the lights of the recomputed tickets, with their reminders.
  const recompute = (now: Date) => {
    const result = recomputeProvisional(db, desk.rows, clocks, now.getTime());
    if (result.changed > 0) sweep.run(now);
    deps.onRecompute?.(result);
    return result;
  };
  // At start too: the year may have been added to calendar.yaml while the server was down.
  recompute(deps.now());
  config.onChange((c) => {
    clocks = clocksOf(c);
    syncDepartments(db, c.routing);
    recompute(deps.now());
  });
  return {
    desk,
    sweep,
    // server.yaml's quotas as started, like its rate limits
    attachments: new AttachmentStore(db, deps.attachmentsDir, () => quotas),
    clocks: () => clocks,
    recomputeProvisional: recompute,
    coverage: (now) => calendarCoverage(clocks.calendar, now, clocks.longestClockDays()),
  };
}
