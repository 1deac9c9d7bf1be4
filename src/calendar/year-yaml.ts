// The YAML an admin pastes into config/calendar.yaml for a new year: an empty block for the
// missing year, and the last year the package has written out the same way as a worked
// example, one festival per comment, so the State Council notice maps onto it line by line.
import { chineseDaysNamedYear, chineseDaysYears, type NamedDay } from './chinese-days-data.js';

/** The block to fill in for `year`. */
export function yearTemplateYaml(year: number): string {
  return [
    'years:',
    `  "${year}":`,
    `    # 放假的每一天（国务院办公厅关于 ${year} 年部分节假日安排的通知），每天一行，写法见下方示例`,
    '    holidays: []',
    '    # 调休上班的周六、周日，每天一行',
    '    makeup_workdays: []',
    '',
  ].join('\n');
}

/** A real year from the package data, in the form of calendar.yaml; null if the package has none. */
export function exampleYearYaml(year = chineseDaysYears().at(-1) ?? 0): string | null {
  const data = chineseDaysNamedYear(year);
  if (!data) return null;
  return ['years:', `  "${year}":`, ...list('holidays', data.holidays), ...list('makeup_workdays', data.makeupWorkdays), ''].join('\n');
}

function list(key: string, days: readonly NamedDay[]): string[] {
  if (days.length === 0) return [`    ${key}: []`];
  const lines = [`    ${key}:`];
  let festival = '';
  for (const d of days) {
    if (d.festival !== festival) lines.push(`      # ${(festival = d.festival)}`);
    lines.push(`      - "${d.date}"`);
  }
  return lines;
}
