// The monthly table as .xlsx (exceljs), read back with exceljs as Excel would read it: the CSV's
// Chinese headings, bold on a fill and frozen; counts as numbers and rates as percentages; a rate
// with nothing to judge left empty as in the CSV; the notes sheet; and the file served by the API.
import t from 'tap';
import ExcelJS from 'exceljs';
import { toCsv, toXlsx, type MonthlyReport, type MonthlyRow } from '../src/reports/monthly.js';
import { PASSWORD, ticketApp } from './support/ticket-app.js';

const zero: Omit<MonthlyRow, 'department' | 'name'> = {
  dispatched: 0,
  signed_on_time: 0,
  sign_late: 0,
  sign_not_due: 0,
  sign_on_time_rate: null,
  resolved_on_time: 0,
  resolve_late: 0,
  resolve_not_due: 0,
  resolve_on_time_rate: null,
  returned: 0,
  overdue_open: 0,
  satisfied: 0,
  follow_ups: 0,
  satisfaction_rate: null,
  transfers_counted: 0,
  transfers_within_15s: 0,
  transfers_ringing: 0,
  transfer_rate: null,
};

const report: MonthlyReport = {
  month: '2026-11',
  window: { from: '2026-11-01T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00' },
  as_of: '2026-12-01T09:00:00+08:00',
  definitions: { sign_on_time_rate: '签收及时率 = 按时签收 ÷（按时签收 + 签收超时）。' },
  items: [
    {
      ...zero,
      department: 'market-regulation',
      name: '市市场监管局 <&>',
      dispatched: 4,
      signed_on_time: 2,
      sign_late: 1,
      sign_not_due: 1,
      sign_on_time_rate: 2 / 3,
      transfers_counted: 8,
      transfers_within_15s: 7,
      transfer_rate: 0.875,
    },
    { ...zero, department: 'health', name: '市卫健委' },
  ],
};

async function read(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  return book;
}

/** The headings as the CSV prints them: the one list both files are written from. */
const csvHeadings = () => toCsv([]).replace('\uFEFF', '').trim().split(',');

t.test('the monthly workbook read back: headings, cells, formats, frozen pane, notes', async (t) => {
  const book = await read(await toXlsx(report));
  t.same(
    book.worksheets.map((s) => s.name),
    ['2026-11 部门月报', '统计口径'],
  );
  const sheet = book.getWorksheet('2026-11 部门月报')!;
  const headings = csvHeadings();
  t.equal(headings.length, 17);
  t.same((sheet.getRow(1).values as unknown[]).slice(1), headings, 'the same headings as the CSV, in its order');
  t.equal(sheet.rowCount, 3, 'a heading row and one row per department');

  const col = (title: string) => headings.indexOf(title) + 1;
  const cell = (row: number, title: string) => sheet.getRow(row).getCell(col(title));

  const head = sheet.getRow(1).getCell(1);
  t.equal(head.font?.bold, true, 'headings bold');
  t.match(head.fill, { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } }, 'headings on a fill');
  t.match(sheet.views[0], { state: 'frozen', xSplit: 0, ySplit: 1 }, 'the heading row is frozen');
  t.match(sheet.pageSetup, { orientation: 'landscape', fitToWidth: 1 }, 'printed one page wide');

  t.equal(cell(2, '部门').value, '市市场监管局 <&>', 'text kept as written, markup characters included');
  t.equal(cell(2, '派单数').value, 4, 'a count is a number');
  t.equal(cell(2, '派单数').numFmt, '0');
  t.equal(cell(2, '签收未到期').value, 1);
  t.equal(cell(2, '签收及时率').value, 2 / 3, 'a rate is the ratio itself, not a rounded text');
  t.equal(cell(2, '签收及时率').numFmt, '0.0%', "shown as a percentage with the CSV's one decimal");
  t.equal(cell(2, '15秒接通率').value, 0.875);
  t.equal(cell(2, '15秒接通率').numFmt, '0.0%');
  t.equal(cell(3, '部门').value, '市卫健委');
  t.equal(cell(3, '派单数').value, 0, 'a zero count is a 0, not empty');
  t.equal(cell(3, '签收及时率').value, null, 'no clock ended: the rate is empty, as in the CSV, never 0%');
  t.equal(cell(3, '满意率').value, null);

  for (const [i, title] of headings.entries()) {
    const width = sheet.getColumn(i + 1).width ?? 0;
    t.ok(width >= [...title].length * 2, `column ${title} wide enough for its heading (${width})`);
  }
  t.ok((sheet.getColumn(col('部门')).width ?? 0) >= 18, 'the department column fits the longest name');

  const notes = book.getWorksheet('统计口径')!;
  t.same(notes.getColumn(1).values.slice(1), [
    '统计区间：2026-11-01T00:00:00+08:00 至 2026-12-01T00:00:00+08:00（按派单时间、转接呼出时间）；统计时刻：2026-12-01T09:00:00+08:00',
    '签收及时率 = 按时签收 ÷（按时签收 + 签收超时）。',
  ]);
  t.equal(book.created.toISOString(), '2026-12-01T01:00:00.000Z', 'dated at the instant judged, not the wall clock');
});

t.test('the same report gives the same workbook', async (t) => {
  // Byte equality is not asserted: the ZIP library exceljs uses stamps each entry with the time
  // of writing. What a reader sees — every sheet, cell, format and property — must be equal.
  const a = await read(await toXlsx(report));
  const b = await read(await toXlsx(report));
  t.same(a.model, b.model);
});

t.test('the monthly report served as .xlsx', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  a.at('2026-12-01T09:00:00+08:00');
  const token = (await a.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'boss', password: PASSWORD } })).json().token;
  // read as bytes: the helper's a.call() would decode the ZIP as text
  const r = await a.app.inject({ method: 'GET', url: '/api/reports/monthly?month=2026-11&format=xlsx', headers: { authorization: `Bearer ${token}` } });
  t.equal(r.statusCode, 200);
  t.match(r.headers['content-type'], /^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet/);
  t.match(r.headers['content-disposition'], /filename\*=UTF-8''12345%E9%83%A8%E9%97%A8%E6%9C%88%E6%8A%A5-2026-11\.xlsx/);
  const json = await a.call('boss', 'GET', '/api/reports/monthly?month=2026-11&format=json');
  const sheet = (await read(r.rawPayload)).getWorksheet('2026-11 部门月报')!;
  t.equal(sheet.rowCount, json.body.items.length + 1, 'a heading row and one row per department');
  const names = sheet.getColumn(1).values.slice(2);
  t.same(
    names,
    json.body.items.map((i: MonthlyRow) => i.name),
    'every department, in the JSON order',
  );
  t.ok(names.includes('市市场监管局'));
});
