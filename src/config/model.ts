// The configuration as the rest of the program sees it: checked, normalised, indexed.
// Built only from files that passed every rule, so consumers never re-validate.

export type Mode = 'direct' | 'parallel' | 'emergency' | 'linkage';

export interface Period {
  /** 'HH:MM' */
  start: string;
  /** 'HH:MM', may be '24:00' */
  end: string;
}

export interface Schedule {
  name: string;
  days: 'workdays' | 'all';
  periods: Period[];
}

export interface TransferTarget {
  gateway: string;
  dial: string;
  /** FreeSWITCH endpoint string, e.g. sofia/gateway/telecom-trunk/12333 */
  endpoint: string;
}

export interface Hotline {
  number: string;
  name: string;
  mode: Mode;
  /** department id; null for linkage bodies outside the government */
  department: string | null;
  /** name of an outside body (linkage only) */
  body: string | null;
  /** schedule during which the hotline's own seats answer; null means always (direct, emergency) */
  schedule: Schedule | null;
  transfer: TransferTarget | null;
}

export interface Department {
  id: string;
  name: string;
  headMobile: string | null;
  hotlines: string[];
}

export interface Seat {
  id: string;
  name: string;
  skills: string[];
}

export interface IvrLine {
  digit: string;
  name: string;
  queue: string;
}

/** When the transfer answer-rate alert opens and closes (docs/figures.md#alerts). */
export interface TransferAlertSettings {
  /** opens only with at least this many counted attempts in the window */
  minCounted: number;
  /** closes once the rate is back at targetRate + closeMargin */
  closeMargin: number;
  /** or once no counted attempt was placed for this many minutes */
  quietCloseMin: number;
}

export interface RoutingPlan {
  centre: { number: string; name: string; schedule: Schedule };
  schedules: Map<string, Schedule>;
  ivr: { welcomePrompt: string; menuPrompt: string; digitTimeoutS: number; defaultLine: string; lines: IvrLine[] };
  gateways: Map<string, { name: string; description: string }>;
  seats: Seat[];
  /** networks: IPv4 addresses or CIDR networks the 110 platform's INVITEs come from */
  policeDiversion: { callerNumbers: string[]; gateways: string[]; networks: string[]; priority: number };
  departments: Map<string, Department>;
  /** every hotline of every mode, in file order: direct, parallel, emergency, linkage */
  hotlines: Hotline[];
  byNumber: Map<string, Hotline>;
  acd: {
    agentRingS: number;
    wrapUpS: number;
    announceEveryS: number;
    maxWaitS: number;
    /** the longest message (留言) a caller may leave, in seconds */
    voicemailMaxS: number;
  };
  transfer: { ringTimeoutS: number; answerTargetS: number; targetRate: number; alert: TransferAlertSettings };
  /** capacityWindowMin: the sliding window of the Erlang C capacity hint */
  serviceLevel: { answerTargetS: number; targetRate: number; shortAbandonS: number; capacityWindowMin: number };
  tickets: {
    signDays: number;
    resolveDays: Record<string, number>;
    yellow: { signHours: number; resolveHours: number };
  };
}

export interface HostPort {
  host: string;
  port: number;
}

/** So many requests in a window. */
export interface RateLimitSettings {
  max: number;
  windowMs: number;
}

export interface QuotaSettings {
  count: number;
  bytes: number;
}

/** server.yaml `limits:`, defaults filled in. Read at start: a change needs a restart. */
export interface LimitSettings {
  /** POST /api/auth/login, per client address */
  login: RateLimitSettings;
  /** POST /api/intake, per client address */
  intake: RateLimitSettings;
  /** POST /api/tickets/:id/attachments, per user */
  attachmentUploads: RateLimitSettings;
  attachmentsPerTicket: QuotaSettings;
  /** a user's uploads in one Shanghai calendar day */
  attachmentsPerUserPerDay: QuotaSettings;
}

export interface ServerSettings {
  http: HostPort;
  eslListener: HostPort;
  freeswitch: HostPort & { password: string };
  /** absolute path, or ':memory:' */
  database: string;
  /** quiet time after which the checkpointer empties the WAL file (ms) */
  walTruncateIdleMs: number;
  /** SMPP gateway for SMS reminders; null: the outbox records what would be sent */
  sms: { host: string; port: number; systemId: string; password: string; sourceAddr: string } | null;
  logLevel: string;
  limits: LimitSettings;
}

export interface CalendarOverrides {
  years: Record<string, { holidays: string[]; makeupWorkdays: string[] }>;
  dates: Array<{ date: string; workday: boolean; reason?: string }>;
}

export interface CtiConfig {
  dir: string;
  routing: RoutingPlan;
  server: ServerSettings;
  calendar: CalendarOverrides;
  /** sha256 of the three files' bytes, to tell one load from the next */
  digest: string;
}
