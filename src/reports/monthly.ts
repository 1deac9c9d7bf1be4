// The monthly table per department that an office prints: tickets dispatched to it in the
// month, signed and answered on time (docs/figures.md#on-time-rates), overdue, satisfaction,
// and its hotlines' 15 s transfer answer rate (docs/figures.md#transfer-answer-rate). Every
// figure is judged at one instant, `now`: a clock still running then is "not yet due".
import type { Db } from '../store/index.js';
import type { RoutingPlan } from '../config/index.js';
import { formatShanghai } from '../calendar/index.js';
import type { Figures } from './figures.js';
import type ExcelJS from 'exceljs';
import * as define from './definitions.js';

export interface MonthlyRow {
  department: string;
  name: string;
  dispatched: number;
  signed_on_time: number;
  sign_late: number;
  sign_not_due: number;
  sign_on_time_rate: number | null;
  resolved_on_time: number;
  resolve_late: number;
  resolve_not_due: number;
  resolve_on_time_rate: number | null;
  returned: number;
  overdue_open: number;
  satisfied: number;
  follow_ups: number;
  satisfaction_rate: number | null;
  transfers_counted: number;
  transfers_within_15s: number;
  transfers_ringing: number;
  transfer_rate: number | null;
}

export interface MonthlyReport {
  month: string;
  /** the month, Asia/Shanghai: tickets by dispatch time, transfers by creation time */
  window: { from: string; to: string };
  /** the instant every clock and ringing leg was judged at */
  as_of: string;
  definitions: Record<string, string>;
  items: MonthlyRow[];
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

export function monthRange(month: string): { fromMs: number; toMs: number } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { fromMs: Date.parse(`${month}-01T00:00:00+08:00`), toMs: Date.parse(`${next}-01T00:00:00+08:00`) };
}

/**
 * One clock of a ticket, judged at @now: ended on time or late, stopped by a return within its
 * deadline, or still running (not yet due). A clock ends when its action is done (signed_ms,
 * replied_ms), when a return stops it (returned_ms), or when its deadline passes undone: an
 * action exactly at the deadline is on time, and so a running clock is late only after it.
 */
const clockCase = (done: string, due: string) => `CASE
    WHEN ${due} IS NULL THEN 'not_due'
    WHEN ${done} IS NOT NULL THEN CASE WHEN ${done} <= ${due} THEN 'on_time' ELSE 'late' END
    WHEN coalesce(returned_ms, @now) > ${due} THEN 'late'
    WHEN returned_ms IS NOT NULL THEN 'returned'
    ELSE 'not_due'
  END`;

type TicketCounts = Record<
  | 'dispatched'
  | 'sign_on_time'
  | 'sign_late'
  | 'sign_not_due'
  | 'resolve_on_time'
  | 'resolve_late'
  | 'resolve_not_due'
  | 'returned'
  | 'overdue_open'
  | 'satisfied'
  | 'follow_ups',
  number
>;

function ticketCounts(db: Db, range: { fromMs: number; toMs: number }, nowMs: number): Map<string, TicketCounts> {
  const rows = db
    .prepare<Record<string, number>, TicketCounts & { department_id: string }>(
      `SELECT department_id, count(*) AS dispatched,
         sum(sign = 'on_time') AS sign_on_time, sum(sign = 'late') AS sign_late, sum(sign = 'not_due') AS sign_not_due,
         sum(resolve = 'on_time') AS resolve_on_time, sum(resolve = 'late') AS resolve_late, sum(resolve = 'not_due') AS resolve_not_due,
         sum(status = 'returned') AS returned, sum(status IN ('dispatched', 'signed') AND resolve_due_ms < @now) AS overdue_open,
         sum(satisfaction IN ('satisfied', 'basically_satisfied')) AS satisfied, sum(satisfaction IS NOT NULL) AS follow_ups
       FROM (SELECT department_id, status, satisfaction, resolve_due_ms, ${clockCase('signed_ms', 'sign_due_ms')} AS sign, ${clockCase('replied_ms', 'resolve_due_ms')} AS resolve
         FROM (SELECT t.*, CASE WHEN t.status = 'returned'
                 THEN coalesce((SELECT max(e.at_ms) FROM ticket_events e WHERE e.ticket_id = t.id AND e.action = 'return'), t.updated_ms) END AS returned_ms
               FROM tickets t WHERE dispatched_ms >= @from AND dispatched_ms < @to AND department_id IS NOT NULL))
       GROUP BY department_id`,
    )
    .all({ from: range.fromMs, to: range.toMs, now: nowMs });
  return new Map(rows.map((r) => [r.department_id, r]));
}

export function monthlyDepartmentRows(db: Db, figures: Figures, plan: RoutingPlan, month: string, nowMs: number): MonthlyRow[] {
  const range = monthRange(month);
  const tickets = ticketCounts(db, range, nowMs);
  const transfers = figures.transferCounts(range, nowMs);
  return [...plan.departments.values()].map((d) => {
    const n = (k: keyof TicketCounts) => Number(tickets.get(d.id)?.[k] ?? 0);
    const mine = transfers.filter((r) => d.hotlines.includes(r.hotline));
    const sum = (k: 'counted' | 'answered_within_15s' | 'ringing') => mine.reduce((a, r) => a + r[k], 0);
    return {
      department: d.id,
      name: d.name,
      dispatched: n('dispatched'),
      signed_on_time: n('sign_on_time'),
      sign_late: n('sign_late'),
      sign_not_due: n('sign_not_due'),
      sign_on_time_rate: ratio(n('sign_on_time'), n('sign_on_time') + n('sign_late')),
      resolved_on_time: n('resolve_on_time'),
      resolve_late: n('resolve_late'),
      resolve_not_due: n('resolve_not_due'),
      resolve_on_time_rate: ratio(n('resolve_on_time'), n('resolve_on_time') + n('resolve_late')),
      returned: n('returned'),
      overdue_open: n('overdue_open'),
      satisfied: n('satisfied'),
      follow_ups: n('follow_ups'),
      satisfaction_rate: ratio(n('satisfied'), n('follow_ups')),
      transfers_counted: sum('counted'),
      transfers_within_15s: sum('answered_within_15s'),
      transfers_ringing: sum('ringing'),
      transfer_rate: ratio(sum('answered_within_15s'), sum('counted')),
    };
  });
}

export function monthlyReport(db: Db, figures: Figures, plan: RoutingPlan, month: string, nowMs: number): MonthlyReport {
  const range = monthRange(month);
  return {
    month,
    window: { from: formatShanghai(new Date(range.fromMs)), to: formatShanghai(new Date(range.toMs)) },
    as_of: formatShanghai(new Date(nowMs)),
    definitions: {
      sign_on_time_rate: define.signOnTimeDefinition,
      resolve_on_time_rate: define.resolveOnTimeDefinition,
      returned: define.returnedDefinition,
      overdue_open: define.overdueOpenDefinition,
      satisfaction_rate: define.satisfactionDefinition,
      transfer_rate: define.transferRateDefinition(plan),
    },
    items: monthlyDepartmentRows(db, figures, plan, month, nowMs),
  };
}

const headings: Array<[keyof MonthlyRow, string]> = [
  ['name', '部门'],
  ['dispatched', '派单数'],
  ['signed_on_time', '按时签收'],
  ['sign_late', '签收超时'],
  ['sign_not_due', '签收未到期'],
  ['sign_on_time_rate', '签收及时率'],
  ['resolved_on_time', '按时办结'],
  ['resolve_late', '办结超时'],
  ['resolve_not_due', '办结未到期'],
  ['resolve_on_time_rate', '办结及时率'],
  ['returned', '退单'],
  ['overdue_open', '超期未办结'],
  ['follow_ups', '回访数'],
  ['satisfaction_rate', '满意率'],
  ['transfers_counted', '转接计入'],
  ['transfers_within_15s', '15秒内接通'],
  ['transfer_rate', '15秒接通率'],
];

/** What the printed table rests on, below it: the window, the instant, each rate's definition. */
export function reportNotes(r: MonthlyReport): string[] {
  return [`统计区间：${r.window.from} 至 ${r.window.to}（按派单时间、转接呼出时间）；统计时刻：${r.as_of}`, ...Object.values(r.definitions)];
}

/** CSV with a UTF-8 byte-order mark, so Excel opens the Chinese text correctly; the notes follow a blank line. */
export function toCsv(rows: MonthlyRow[], notes: string[] = []): string {
  const cell = (v: unknown, key: string) => {
    if (v === null) return '';
    if (typeof v === 'number' && key.endsWith('rate')) return `${(v * 100).toFixed(1)}%`;
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const table = [headings.map(([, h]) => h).join(','), ...rows.map((row) => headings.map(([k]) => cell(row[k], k)).join(','))];
  const below = notes.length ? ['', ...notes.map((n) => cell(n, 'note'))] : [];
  return `\uFEFF${[...table, ...below].join('\r\n')}\r\n`;
}

/** How many columns a text takes on screen: CJK ideographs and fullwidth forms are two wide. */
const displayWidth = (s: string) => [...s].reduce((w, ch) => w + (/[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]/.test(ch) ? 2 : 1), 0);

/** Rates shown with one decimal, as the CSV prints them, so the two files agree digit for digit. */
const PERCENT = '0.0%';
const COUNT = '0';

/**
 * The same table as an .xlsx workbook (exceljs): the headings of the CSV, bold on a fill and
 * frozen so they stay on screen while scrolling 40-odd departments; counts as numbers and rates
 * as real percentages, so Excel can sort and sum; a rate with no ended clock (null, see
 * docs/figures.md#on-time-rates) is an empty cell, as in the CSV, never a 0%. The window, the
 * instant and each rate's definition go on a second sheet, 统计口径.
 */
export async function toXlsx(report: MonthlyReport): Promise<Buffer> {
  // loaded on the first download: it is a third of a second of every start otherwise
  const { default: excel } = await import('exceljs');
  const book: ExcelJS.Workbook = new excel.Workbook();
  // The document's dates are the instant the figures were judged at, not when the file was
  // written: the same report gives the same workbook content whenever it is downloaded.
  const asOf = new Date(Date.parse(report.as_of));
  book.created = asOf;
  book.modified = asOf;
  book.creator = '12345 CTI';

  const sheet = book.addWorksheet(`${report.month} 部门月报`, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2' }],
    // Offices print it: 17 columns fit one landscape page wide, the headings on every page.
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' },
  });
  sheet.columns = headings.map(([key, title]) => {
    const values = report.items.map((row) => row[key]);
    const widest = Math.max(
      displayWidth(title),
      ...values.map((v) => (typeof v === 'string' ? displayWidth(v) : key.endsWith('rate') ? 6 : String(v ?? '').length)),
    );
    return { key, header: title, width: widest + 2, style: key === 'name' ? {} : { numFmt: key.endsWith('rate') ? PERCENT : COUNT } };
  });
  for (const row of report.items) sheet.addRow(Object.fromEntries(headings.map(([k]) => [k, row[k] ?? null])));

  const head = sheet.getRow(1);
  head.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = { bottom: { style: 'thin' } };
  });

  const notes = reportNotes(report);
  const notesSheet = book.addWorksheet('统计口径');
  notesSheet.columns = [{ key: 'note', width: 120, style: { alignment: { wrapText: true, vertical: 'top' } } }];
  for (const note of notes) notesSheet.addRow([note]);

  return Buffer.from(await book.xlsx.writeBuffer());
}
