// The admin's view of the holiday data (节假日数据): which years are covered, from when
// deadlines become provisional (暂定) and what to add, the YAML to paste with a worked example,
// and a check of pasted YAML with the same rules as calendar.yaml itself.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { checkCalendarText } from '../config/index.js';
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

const CheckBody = Type.Object(
  { yaml: Type.String({ maxLength: 100_000, description: 'calendar.yaml, or only its years: block' }) },
  { additionalProperties: false },
);

export const calendarAdminPlugin: FastifyPluginAsyncTypebox<CalendarAdminOptions> = async (app, opts) => {
  const configYears = () =>
    Object.keys(app.config.current.calendar.years)
      .map(Number)
      .sort((a, b) => a - b);

  app.get('/calendar', { schema: { tags: ['admin'], summary: 'years with holiday data, from when deadlines are provisional, the YAML to add' } }, async () => {
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
    { schema: { tags: ['admin'], summary: 'check pasted calendar YAML as calendar.yaml would be checked', body: CheckBody } },
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
