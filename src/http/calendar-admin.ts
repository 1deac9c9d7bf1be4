// The admin's view of the holiday data (节假日数据): which years are covered, from when
// deadlines become provisional (暂定) and what to add, the YAML to paste with a worked example,
// and a check of pasted YAML with the same rules as calendar.yaml itself.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { checkCalendarText } from '../config/index.js';
import { Instant, Nullable } from '../api-schema.js';
import { chineseDaysYears, exampleYearYaml, formatShanghai, previewYears, shanghaiDateOf, yearTemplateYaml, type CalendarCoverage } from '../calendar/index.js';

export interface CalendarAdminOptions {
  /** the coverage of the calendar in force, seen from now */
  coverage: () => CalendarCoverage;
  /** tickets whose deadlines are provisional now */
  provisionalTickets: () => number;
  now: () => Date;
}

/** Coverage as JSON, shared with /healthz. */
export function coverageJson(c: CalendarCoverage) {
  return {
    missing_year: c.missingYear,
    data_until: c.dataUntil,
    provisional_from: c.provisionalFrom,
    deadlines_provisional_after: formatShanghai(c.deadlinesProvisionalAfter),
    provisional_now: c.provisionalNow,
    warn_from: formatShanghai(c.warnFrom),
    action: c.action,
  };
}

const Coverage = Type.Object({
  missing_year: Type.Integer({ description: 'the first year from today on without holiday data' }),
  data_until: Nullable(Type.String({ description: 'the last day with data, YYYY-MM-DD; null when this year has none' })),
  provisional_from: Type.String({ description: 'from this day working days are guessed (暂定)' }),
  deadlines_provisional_after: Instant,
  provisional_now: Type.Boolean(),
  warn_from: Instant,
  action: Type.String({ description: 'what to add, in Chinese' }),
});

const CalendarView = Type.Object({
  covered_years: Type.Array(Type.Integer()),
  from_package: Type.Array(Type.Integer({ description: 'years the chinese-days package knows' })),
  from_config: Type.Array(Type.Integer({ description: 'years in calendar.yaml' })),
  this_year: Type.Integer(),
  this_year_covered: Type.Boolean(),
  next_year_covered: Type.Boolean(),
  coverage: Coverage,
  provisional_tickets: Type.Integer({ description: 'tickets whose deadlines are provisional now' }),
  template_yaml: Type.String(),
  example_yaml: Nullable(Type.String({ description: 'a worked example year, when the package has one' })),
});

const YearPreviewView = Type.Object({
  year: Type.Integer(),
  holidays_listed: Type.Integer(),
  weekdays_off: Type.Array(Type.String()),
  makeup_workdays: Type.Array(Type.String()),
  replaces: Nullable(Type.Union([Type.Literal('chinese-days'), Type.Literal('calendar.yaml')])),
  warnings: Type.Array(Type.String()),
});

const CheckAnswer = Type.Object({
  ok: Type.Boolean(),
  issues: Type.Array(Type.Object({ file: Type.String(), line: Type.Integer(), column: Type.Integer(), path: Type.String(), message: Type.String() })),
  years: Type.Array(YearPreviewView),
  provisional_tickets: Type.Optional(Type.Integer()),
});

const CheckBody = Type.Object(
  { yaml: Type.String({ maxLength: 100_000, description: 'calendar.yaml, or only its years: block' }) },
  { additionalProperties: false },
);

export const calendarAdminPlugin: FastifyPluginAsyncTypebox<CalendarAdminOptions> = async (app, opts) => {
  const configYears = () =>
    Object.keys(app.config.current.calendar.years)
      .map(Number)
      .sort((a, b) => a - b);

  const summary = 'years with holiday data, from when deadlines are provisional, the YAML to add';
  app.get('/calendar', { schema: { tags: ['admin'], summary, response: { 200: CalendarView } } }, async () => {
    const coverage = opts.coverage();
    const packageYears = chineseDaysYears();
    const fromConfig = configYears();
    const covered = [...new Set([...packageYears, ...fromConfig])].sort((a, b) => a - b);
    const thisYear = Number(shanghaiDateOf(opts.now()).slice(0, 4));
    return {
      covered_years: covered,
      from_package: packageYears,
      from_config: fromConfig,
      this_year: thisYear,
      this_year_covered: covered.includes(thisYear),
      next_year_covered: covered.includes(thisYear + 1),
      coverage: coverageJson(coverage),
      provisional_tickets: opts.provisionalTickets(),
      template_yaml: yearTemplateYaml(coverage.missingYear),
      example_yaml: exampleYearYaml(),
    };
  });

  app.post(
    '/calendar/check',
    { schema: { tags: ['admin'], summary: 'check pasted calendar YAML as calendar.yaml would be checked', body: CheckBody, response: { 200: CheckAnswer } } },
    async (req) => {
      const checked = checkCalendarText(req.body.yaml, '粘贴的内容');
      if (!checked.ok) return { ok: false, issues: checked.issues, years: [] };
      return {
        ok: true,
        issues: [],
        years: previewYears(checked.overrides, { packageYears: chineseDaysYears(), configYears: configYears() }),
        provisional_tickets: opts.provisionalTickets(),
      };
    },
  );
};
