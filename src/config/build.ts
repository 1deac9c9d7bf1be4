// From checked files to the model the program uses (model.ts).
import { isAbsolute, resolve } from 'node:path';
import type { CalendarFile, RoutingFile, ServerFile } from './schema.js';
import type {
  CalendarOverrides,
  Department,
  Hotline,
  LimitSettings,
  RoutingPlan,
  Schedule,
  ServerSettings,
  TransferAlertSettings,
  TransferTarget,
} from './model.js';

export function buildRouting(r: RoutingFile): RoutingPlan {
  const schedules = new Map<string, Schedule>(
    Object.entries(r.schedules).map(([name, s]) => [
      name,
      {
        name,
        days: s.days === 'workdays' ? 'workdays' : 'all',
        periods: s.periods.map((p) => {
          const [start, end] = p.split('-') as [string, string];
          return { start, end };
        }),
      },
    ]),
  );
  const schedule = (name: string): Schedule => schedules.get(name)!;
  const target = (t: { gateway: string; dial: string }): TransferTarget => ({
    ...t,
    endpoint: `sofia/gateway/${t.gateway}/${t.dial}`,
  });

  const hotlines: Hotline[] = [
    ...r.direct.map((h) => ({ number: h.number, name: h.name, mode: 'direct' as const, department: h.department, body: null, schedule: null, transfer: null })),
    ...r.parallel.map((h) => ({
      number: h.number,
      name: h.name,
      mode: 'parallel' as const,
      department: h.department,
      body: null,
      schedule: schedule(h.hours),
      transfer: target(h.transfer),
    })),
    ...r.emergency.map((h) => ({
      number: h.number,
      name: h.name,
      mode: 'emergency' as const,
      department: h.department,
      body: null,
      schedule: null,
      transfer: target(h.transfer),
    })),
    ...r.linkage.map((h) => ({
      number: h.number,
      name: h.name,
      mode: 'linkage' as const,
      department: null,
      body: h.body,
      schedule: schedule(h.hours),
      transfer: target(h.transfer),
    })),
  ];

  const departments = new Map<string, Department>(
    r.departments.map((d) => [d.id, { id: d.id, name: d.name, headMobile: d.head_mobile ?? null, hotlines: [] }]),
  );
  for (const h of hotlines) if (h.department) departments.get(h.department)!.hotlines.push(h.number);

  return {
    centre: { number: r.centre.number, name: r.centre.name, schedule: schedule(r.centre.hours) },
    schedules,
    ivr: {
      welcomePrompt: r.ivr.welcome_prompt,
      menuPrompt: r.ivr.menu_prompt,
      digitTimeoutS: r.ivr.digit_timeout_s,
      defaultLine: r.ivr.default_line,
      lines: Object.entries(r.ivr.lines)
        .map(([digit, l]) => ({ digit, name: l.name, queue: l.queue }))
        .sort((a, b) => a.digit.localeCompare(b.digit)),
    },
    gateways: new Map(Object.entries(r.gateways).map(([name, g]) => [name, { name, description: g.description }])),
    seats: r.seats.map((s) => ({ id: s.id, name: s.name, skills: [...s.skills] })),
    policeDiversion: {
      callerNumbers: [...r.police_diversion.caller_numbers],
      gateways: [...r.police_diversion.gateways],
      networks: [...(r.police_diversion.networks ?? [])],
      priority: r.police_diversion.priority,
    },
    departments,
    hotlines,
    byNumber: new Map(hotlines.map((h) => [h.number, h])),
    acd: {
      agentRingS: r.acd.agent_ring_s,
      wrapUpS: r.acd.wrap_up_s,
      announceEveryS: r.acd.announce_every_s,
      maxWaitS: r.acd.max_wait_s,
      voicemailMaxS: r.acd.voicemail_max_s ?? 120,
    },
    transfer: {
      ringTimeoutS: r.transfer.ring_timeout_s,
      answerTargetS: r.transfer.answer_target_s,
      targetRate: r.transfer.target_rate,
      alert: alertSettings(r.transfer.alert),
    },
    serviceLevel: {
      answerTargetS: r.service_level.answer_target_s,
      targetRate: r.service_level.target_rate,
      shortAbandonS: r.service_level.short_abandon_s,
      capacityWindowMin: r.service_level.capacity_window_min ?? 60,
    },
    tickets: {
      signDays: r.tickets.sign_days,
      resolveDays: { ...r.tickets.resolve_days },
      yellow: { signHours: r.tickets.yellow.sign_hours, resolveHours: r.tickets.yellow.resolve_hours },
    },
  };
}

/** The alert settings, each defaulted when routing.yaml leaves it out (as older files do). */
function alertSettings(a: RoutingFile['transfer']['alert']): TransferAlertSettings {
  return { minCounted: a?.min_counted ?? 5, closeMargin: a?.close_margin ?? 0.02, quietCloseMin: a?.quiet_close_min ?? 120 };
}

export function buildServer(s: ServerFile, projectDir: string): ServerSettings {
  const database = s.database === ':memory:' || isAbsolute(s.database) ? s.database : resolve(projectDir, s.database);
  return {
    http: { ...s.http },
    eslListener: { ...s.esl_listener },
    freeswitch: { ...s.freeswitch },
    database,
    walTruncateIdleMs: (s.wal_truncate_idle_s ?? 30) * 1000,
    sms: s.sms ? { host: s.sms.host, port: s.sms.port, systemId: s.sms.system_id, password: s.sms.password, sourceAddr: s.sms.source_addr } : null,
    logLevel: s.log_level,
    limits: limitSettings(s.limits),
  };
}

const MIB = 1024 * 1024;

/**
 * Each limit defaulted when server.yaml leaves it out. Login 30 a minute, not 10: at shift
 * change up to 24 operators may log in from behind one NAT address, and the demo logs in its 13
 * users at once (guessing one account is capped by the lockout anyway). Intake 20: a person files
 * a ticket or two; 21,728 in 10 s was one script (issue 19). Uploads 20 a minute per user: a
 * handler's reply with a dozen photos. Quotas: a ticket's evidence, and a day's work of one
 * handler, with room; a script is stopped long before the disk fills.
 */
function limitSettings(l: ServerFile['limits']): LimitSettings {
  const rate = (r: { max?: number; window_s?: number } | undefined, max: number, windowS: number) => ({
    max: r?.max ?? max,
    windowMs: (r?.window_s ?? windowS) * 1000,
  });
  const quota = (q: { count?: number; mb?: number } | undefined, count: number, mb: number) => ({
    count: q?.count ?? count,
    bytes: Math.round((q?.mb ?? mb) * MIB),
  });
  return {
    login: rate(l?.login, 30, 60),
    intake: rate(l?.intake, 20, 60),
    attachmentUploads: rate(l?.attachment_uploads, 20, 60),
    attachmentsPerTicket: quota(l?.attachments_per_ticket, 30, 100),
    attachmentsPerUserPerDay: quota(l?.attachments_per_user_per_day, 200, 500),
  };
}

export function buildCalendar(c: CalendarFile): CalendarOverrides {
  return {
    years: Object.fromEntries(Object.entries(c.years).map(([y, d]) => [y, { holidays: [...d.holidays], makeupWorkdays: [...d.makeup_workdays] }])),
    dates: c.dates.map((d) => ({ ...d })),
  };
}
