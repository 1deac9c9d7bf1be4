// The .xlsx writer: a valid ZIP (CRCs and sizes checked by reading it back with a reader written
// here), well-formed XML parts (xmllint), Chinese text, numbers and percentages in their cells;
// and the monthly report served as .xlsx.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { columnName, xlsxWorkbook } from '../src/reports/xlsx.js';
import { ticketApp } from './support/ticket-app.js';

/** Reads a ZIP through its central directory, checking each entry's CRC and size. */
function unzip(zip: Buffer): Map<string, string> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const out = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`no central header at ${at}`);
    const [crc, csize, usize, nameLen, extraLen, commentLen, local] = [zip.readUInt32LE(at + 16), zip.readUInt32LE(at + 20), zip.readUInt32LE(at + 24), zip.readUInt16LE(at + 28), zip.readUInt16LE(at + 30), zip.readUInt16LE(at + 32), zip.readUInt32LE(at + 42)];
    const name = zip.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`no local header for ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = inflateRawSync(zip.subarray(start, start + csize));
    if (data.length !== usize || crc32(data) !== crc) throw new Error(`${name}: size or CRC wrong`);
    out.set(name, data.toString('utf8'));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

t.test('a workbook of one sheet: parts, cells, styles', async (t) => {
  t.same([0, 25, 26, 27, 701, 702].map(columnName), ['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  const book = xlsxWorkbook('2026-11 部门月报', [['部门', '派单数', '满意率'], ['市市场监管局 <&>', 2, { percent: 0.5 }], ['市卫健委', 0, null]]);
  const parts = unzip(book);
  t.same([...parts.keys()].sort(), ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml']);
  const sheet = parts.get('xl/worksheets/sheet1.xml')!;
  t.match(sheet, /<c r="A1" t="inlineStr" s="2"><is><t xml:space="preserve">部门<\/t><\/is><\/c>/);
  t.match(sheet, /<c r="A2" t="inlineStr"><is><t xml:space="preserve">市市场监管局 &lt;&amp;&gt;<\/t><\/is><\/c><c r="B2"><v>2<\/v><\/c><c r="C2" s="1"><v>0.5<\/v><\/c>/);
  t.notMatch(sheet, /r="C3"/, 'an empty cell is left out');
  t.match(parts.get('xl/workbook.xml')!, /<sheet name="2026-11 部门月报"/);
  const dir = mkdtempSync(join(tmpdir(), 'xlsx-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of parts) {
    const file = join(dir, name.replace(/[/[\]]/g, '_'));
    writeFileSync(file, text);
    t.doesNotThrow(() => execFileSync('xmllint', ['--noout', file], { stdio: 'pipe' }), `${name} is well-formed XML`);
  }
  t.same(xlsxWorkbook('x', [['a']]), xlsxWorkbook('x', [['a']]), 'the same table gives the same bytes');
});

t.test('the monthly report as .xlsx', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  a.at('2026-12-01T09:00:00+08:00');
  const r = await a.call('boss', 'GET', '/api/reports/monthly?month=2026-11&format=xlsx');
  t.equal(r.status, 200);
  t.equal(String(r.body).slice(0, 2), 'PK', 'a ZIP container');
  const json = await a.call('boss', 'GET', '/api/reports/monthly?month=2026-11&format=json');
  const { toXlsx } = await import('../src/reports/monthly.js');
  const sheet = unzip(toXlsx(json.body.items, '2026-11')).get('xl/worksheets/sheet1.xml')!;
  t.equal((sheet.match(/<row /g) ?? []).length, json.body.items.length + 1, 'a heading row and one row per department');
  t.match(sheet, /市市场监管局/);
});
