// Schemas of the three files in config/. They check shape only; rules that span fields
// (a number in two modes, a gateway that is not declared, an end before a start) live in
// rules.ts, so each message can point at the exact field that is wrong.
import { Type, type Static } from 'typebox';

const Text = Type.String({ minLength: 1 });
const Id = Type.String({ pattern: '^[a-z][a-z0-9-]*$', description: 'lower-case letters, digits and dashes' });
const PhoneNumber = Type.String({ pattern: '^[0-9]{3,15}$', description: 'digits only, 3 to 15' });
/** "08:30-12:00"; the end may be 24:00. */
const Period = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]-(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$',
  description: 'HH:MM-HH:MM',
});
const Seconds = Type.Number({ exclusiveMinimum: 0 });
/** "10.20.30.0/24" or "10.20.30.7"; octet values, prefix length and host bits are checked in rules.ts. */
const Ipv4Network = Type.String({
  pattern: '^[0-9]{1,3}([.][0-9]{1,3}){3}(/[0-9]{1,2})?$',
  description: 'an IPv4 address or network, e.g. 10.20.30.0/24',
});
const Days = Type.Number({ minimum: 0 });

const Schedule = Type.Object(
  {
    days: Type.Union([Type.Literal('workdays'), Type.Literal('every_day')]),
    periods: Type.Array(Period, { minItems: 1 }),
  },
  { additionalProperties: false },
);

const TransferTarget = Type.Object({ gateway: Id, dial: Type.String({ pattern: '^[0-9*#+]{1,20}$' }) }, { additionalProperties: false });

const Line = Type.Object({ name: Text, queue: Id }, { additionalProperties: false });

const Seat = Type.Object(
  { id: Type.String({ pattern: '^[0-9]{3,6}$' }), name: Text, skills: Type.Array(Id, { minItems: 1 }) },
  { additionalProperties: false },
);

const Department = Type.Object({ id: Id, name: Text, head_mobile: Type.Optional(Type.String({ pattern: '^1[0-9]{10}$' })) }, { additionalProperties: false });

const DirectHotline = Type.Object({ number: PhoneNumber, name: Text, department: Id }, { additionalProperties: false });

const ParallelHotline = Type.Object({ number: PhoneNumber, name: Text, department: Id, hours: Id, transfer: TransferTarget }, { additionalProperties: false });

const EmergencyHotline = Type.Object({ number: PhoneNumber, name: Text, department: Id, transfer: TransferTarget }, { additionalProperties: false });

const LinkageHotline = Type.Object({ number: PhoneNumber, name: Text, body: Text, hours: Id, transfer: TransferTarget }, { additionalProperties: false });

/** The transfer answer-rate alert; every field may be left out (defaults in build.ts). */
const TransferAlert = Type.Object(
  {
    min_counted: Type.Optional(Type.Integer({ minimum: 1 })),
    close_margin: Type.Optional(Type.Number({ minimum: 0, maximum: 0.5 })),
    // the rate's window is 24 h: a longer quiet period could never be seen in it
    quiet_close_min: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1440 })),
  },
  { additionalProperties: false },
);

export const TicketTypes = ['consultation', 'complaint', 'help', 'suggestion', 'report', 'praise'] as const;

export const RoutingSchema = Type.Object(
  {
    version: Type.Literal(1),
    centre: Type.Object({ number: PhoneNumber, name: Text, hours: Id }, { additionalProperties: false }),
    schedules: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9-]*$' }), Schedule),
    ivr: Type.Object(
      {
        welcome_prompt: Id,
        menu_prompt: Id,
        digit_timeout_s: Seconds,
        default_line: Type.String({ pattern: '^[0-9]$' }),
        lines: Type.Record(Type.String({ pattern: '^[0-9]$' }), Line),
      },
      { additionalProperties: false },
    ),
    gateways: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9-]*$' }), Type.Object({ description: Text }, { additionalProperties: false })),
    seats: Type.Array(Seat, { minItems: 1 }),
    police_diversion: Type.Object(
      {
        caller_numbers: Type.Array(PhoneNumber),
        gateways: Type.Array(Id),
        networks: Type.Optional(Type.Array(Ipv4Network)),
        priority: Type.Integer({ minimum: 1, maximum: 10 }),
      },
      { additionalProperties: false },
    ),
    departments: Type.Array(Department, { minItems: 1 }),
    direct: Type.Array(DirectHotline),
    parallel: Type.Array(ParallelHotline),
    emergency: Type.Array(EmergencyHotline),
    linkage: Type.Array(LinkageHotline),
    acd: Type.Object(
      {
        agent_ring_s: Seconds,
        wrap_up_s: Type.Number({ minimum: 0 }),
        announce_every_s: Seconds,
        max_wait_s: Seconds,
        voicemail_max_s: Type.Optional(Type.Integer({ minimum: 10, maximum: 600 })),
      },
      { additionalProperties: false },
    ),
    transfer: Type.Object(
      {
        ring_timeout_s: Seconds,
        answer_target_s: Seconds,
        target_rate: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
        alert: Type.Optional(TransferAlert),
      },
      { additionalProperties: false },
    ),
    service_level: Type.Object(
      {
        answer_target_s: Seconds,
        target_rate: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
        short_abandon_s: Days,
        capacity_window_min: Type.Optional(Type.Integer({ minimum: 5, maximum: 1440 })),
      },
      { additionalProperties: false },
    ),
    tickets: Type.Object(
      {
        sign_days: Days,
        resolve_days: Type.Object(Object.fromEntries(TicketTypes.map((t) => [t, Days])) as Record<(typeof TicketTypes)[number], typeof Days>, {
          additionalProperties: false,
        }),
        yellow: Type.Object({ sign_hours: Days, resolve_hours: Days }, { additionalProperties: false }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type RoutingFile = Static<typeof RoutingSchema>;

const HostPort = Type.Object({ host: Type.String({ minLength: 1 }), port: Type.Integer({ minimum: 0, maximum: 65535 }) }, { additionalProperties: false });

/** So many requests in so many seconds; either may be left out (defaults in build.ts). */
const RateLimit = Type.Object(
  { max: Type.Optional(Type.Integer({ minimum: 1 })), window_s: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86_400 })) },
  { additionalProperties: false },
);
/** At most so many files and so many MiB; either may be left out. */
const Quota = Type.Object(
  { count: Type.Optional(Type.Integer({ minimum: 1 })), mb: Type.Optional(Type.Number({ exclusiveMinimum: 0 })) },
  { additionalProperties: false },
);

export const ServerSchema = Type.Object(
  {
    http: HostPort,
    esl_listener: HostPort,
    freeswitch: Type.Object(
      { host: Type.String({ minLength: 1 }), port: Type.Integer({ minimum: 1, maximum: 65535 }), password: Type.String({ minLength: 1 }) },
      { additionalProperties: false },
    ),
    database: Type.String({ minLength: 1 }),
    /** seconds without a commit before the WAL file is truncated to 0 bytes (default 30) */
    wal_truncate_idle_s: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86_400 })),
    sms: Type.Optional(
      Type.Object(
        {
          host: Type.String({ minLength: 1 }),
          port: Type.Integer({ minimum: 1, maximum: 65535 }),
          system_id: Type.String({ minLength: 1, maxLength: 15 }),
          password: Type.String({ minLength: 1, maxLength: 8 }),
          source_addr: Type.String({ pattern: '^[0-9]{3,21}$' }),
        },
        { additionalProperties: false },
      ),
    ),
    log_level: Type.Union([
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
    ]),
    /** request limits and attachment quotas; the whole section and each value may be left out */
    limits: Type.Optional(
      Type.Object(
        {
          login: Type.Optional(RateLimit),
          intake: Type.Optional(RateLimit),
          attachment_uploads: Type.Optional(RateLimit),
          attachments_per_ticket: Type.Optional(Quota),
          attachments_per_user_per_day: Type.Optional(Quota),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ServerFile = Static<typeof ServerSchema>;

const IsoDate = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD' });

export const CalendarSchema = Type.Object(
  {
    years: Type.Record(
      Type.String({ pattern: '^[0-9]{4}$' }),
      Type.Object({ holidays: Type.Array(IsoDate), makeup_workdays: Type.Array(IsoDate) }, { additionalProperties: false }),
    ),
    dates: Type.Array(Type.Object({ date: IsoDate, workday: Type.Boolean(), reason: Type.Optional(Text) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type CalendarFile = Static<typeof CalendarSchema>;
