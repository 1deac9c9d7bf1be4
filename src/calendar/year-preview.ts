// What a pasted year of holiday data would change, for the admin to compare with the State
// Council notice before saving it: the days off that fall on weekdays (the ones that move
// deadlines), the weekend days worked, and what looks wrong.
import type { CalendarOverrides } from './calendar-overrides.js';
import { parseDay, weekdayOf } from './shanghai-time.js';

const WEEKDAY_NAMES = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

export interface YearPreview {
  year: number;
  /** days listed as off, weekends inside a holiday included */
  holidays_listed: number;
  /** listed days off that fall Monday to Friday, "2027-01-01（周五）" */
  weekdays_off: string[];
  /** weekend days worked (调休), "2027-02-06（周六）" */
  makeup_workdays: string[];
  /** where the year's data comes from now, if anywhere: the pasted year replaces it */
  replaces: 'chinese-days' | 'calendar.yaml' | null;
  warnings: string[];
}

const named = (date: string) => `${date}（${WEEKDAY_NAMES[weekdayOf(parseDay(date))]}）`;

export function previewYears(pasted: CalendarOverrides, current: { packageYears: readonly number[]; configYears: readonly number[] }): YearPreview[] {
  return Object.entries(pasted.years)
    .map(([key, lists]) => {
      const year = Number(key);
      const holidays = [...lists.holidays].sort();
      const weekdaysOff = holidays.filter((d) => ![0, 6].includes(weekdayOf(parseDay(d))));
      const warnings: string[] = [];
      // Every year's notice has a Spring Festival holiday in January or February.
      if (!holidays.some((d) => d.slice(5, 7) === '01' || d.slice(5, 7) === '02')) {
        warnings.push(`${year} 年没有 1、2 月的放假日期：春节假期每年都有，请核对是否漏填`);
      }
      if (holidays.length === 0) warnings.push(`${year} 年的 holidays 为空：保存后全年只按周一至周五计算工作日`);
      const replaces: YearPreview['replaces'] = current.configYears.includes(year)
        ? 'calendar.yaml'
        : current.packageYears.includes(year)
          ? 'chinese-days'
          : null;
      if (replaces) warnings.push(`${year} 年已有数据（${replaces === 'calendar.yaml' ? 'calendar.yaml 中' : 'chinese-days 软件包自带'}），保存后以此为准`);
      return {
        year,
        holidays_listed: holidays.length,
        weekdays_off: weekdaysOff.map(named),
        makeup_workdays: [...lists.makeupWorkdays].sort().map(named),
        replaces,
        warnings,
      };
    })
    .sort((a, b) => a.year - b.year);
}
