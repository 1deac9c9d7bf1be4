// The monthly table per department that an office prints: tickets dispatched to it, signed and
// resolved on time, overdue, satisfaction, and its hotlines' 15 s transfer answer rate.
import type { Db } from '../store/index.js';
import type { RoutingPlan } from '../config/index.js';
import type { Figures } from './figures.js';
import { xlsxWorkbook, type SheetCell } from './xlsx.js';

export interface MonthlyRow {
  department: string;
  name: string;
  dispatched: number;
  signed_on_time: number;
  sign_on_time_rate: number | null;
  resolved_on_time: number;
  resolve_on_time_rate: number | null;
  overdue_open: number;
  satisfied: number;
  follow_ups: number;
  satisfaction_rate: number | null;
  transfers_counted: number;
  transfers_within_15s: number;
  transfer_rate: number | null;
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

export function monthlyDepartmentRows(db: Db, figures: Figures, plan: RoutingPlan, month: string): MonthlyRow[] {
  const fromMs = Date.parse(`${month}-01T00:00:00+08:00`);
  const [y, m] = month.split('-').map(Number) as [number, number];
  const toMs = Date.parse(`${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}-01T00:00:00+08:00`);
  const tickets = db
    .prepare<Record<string, number>, Record<string, number> & { department_id: string }>(
      `SELECT department_id,
         count(*) AS dispatched,
         sum(signed_ms IS NOT NULL AND signed_ms <= sign_due_ms) AS signed_on_time,
         sum(replied_ms IS NOT NULL AND replied_ms <= resolve_due_ms) AS resolved_on_time,
         sum(status IN ('dispatched', 'signed') AND resolve_due_ms < @to) AS overdue_open,
         sum(satisfaction IN ('satisfied', 'basically_satisfied')) AS satisfied,
         sum(satisfaction IS NOT NULL) AS follow_ups
       FROM tickets WHERE dispatched_ms >= @from AND dispatched_ms < @to AND department_id IS NOT NULL GROUP BY department_id`,
    )
    .all({ from: fromMs, to: Math.min(toMs, Date.now()) });
  const byDept = new Map(tickets.map((r) => [r.department_id, r]));
  const transfers = figures.transferCounts({ fromMs, toMs });
  return [...plan.departments.values()].map((d) => {
    const t = byDept.get(d.id);
    const mine = transfers.filter((r) => d.hotlines.includes(r.hotline));
    const countedSum = mine.reduce((a, r) => a + r.counted, 0);
    const within = mine.reduce((a, r) => a + r.answered_within_15s, 0);
    const n = (k: string) => Number(t?.[k] ?? 0);
    return {
      department: d.id,
      name: d.name,
      dispatched: n('dispatched'),
      signed_on_time: n('signed_on_time'),
      sign_on_time_rate: ratio(n('signed_on_time'), n('dispatched')),
      resolved_on_time: n('resolved_on_time'),
      resolve_on_time_rate: ratio(n('resolved_on_time'), n('dispatched')),
      overdue_open: n('overdue_open'),
      satisfied: n('satisfied'),
      follow_ups: n('follow_ups'),
      satisfaction_rate: ratio(n('satisfied'), n('follow_ups')),
      transfers_counted: countedSum,
      transfers_within_15s: within,
      transfer_rate: ratio(within, countedSum),
    };
  });
}

const headings: Array<[keyof MonthlyRow, string]> = [
  ['name', '部门'],
  ['dispatched', '派单数'],
  ['signed_on_time', '按时签收'],
  ['sign_on_time_rate', '签收及时率'],
  ['resolved_on_time', '按时办结'],
  ['resolve_on_time_rate', '办结及时率'],
  ['overdue_open', '超期未办结'],
  ['follow_ups', '回访数'],
  ['satisfaction_rate', '满意率'],
  ['transfers_counted', '转接次数'],
  ['transfers_within_15s', '15秒内接通'],
  ['transfer_rate', '15秒接通率'],
];

/** CSV with a UTF-8 byte-order mark, so Excel opens the Chinese text correctly. */
export function toCsv(rows: MonthlyRow[]): string {
  const cell = (v: unknown, key: string) => {
    if (v === null) return '';
    if (typeof v === 'number' && key.endsWith('rate')) return `${(v * 100).toFixed(1)}%`;
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [headings.map(([, h]) => h).join(','), ...rows.map((r) => headings.map(([k]) => cell(r[k], k)).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The same table as an .xlsx workbook: rates as real percentages, so Excel can sort and sum. */
export function toXlsx(rows: MonthlyRow[], month: string): Buffer {
  const cell = (v: MonthlyRow[keyof MonthlyRow], key: string): SheetCell => (v === null ? null : typeof v === 'number' && key.endsWith('rate') ? { percent: v } : v);
  const sheet: SheetCell[][] = [headings.map(([, h]) => h), ...rows.map((r) => headings.map(([k]) => cell(r[k], k)))];
  return xlsxWorkbook(`${month} 部门月报`, sheet);
}
