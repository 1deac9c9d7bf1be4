// The pure rules of one-key transfer: kinds, hangup causes, working hours, ticket offers and
// the softphone feature codes.
import t from 'tap';
import { loadConfig, workingCalendarOf } from '../src/config/index.js';
import { planTransfer, resultOfCause, ticketPrefill, transferOpen, isTransferTarget } from '../src/transfer/index.js';
import { FeatureCodeReader, parseFeatureCode } from '../src/transfer/feature-codes.js';
import { projectDir } from './support/config-dir.js';
import { join } from 'node:path';

const loaded = await loadConfig(join(projectDir, 'config'));
if (!loaded.ok) throw new Error('config/ must load');
const { routing } = loaded.config;
const calendar = workingCalendarOf(loaded.config);
const hotline = (n: string) => routing.byNumber.get(n)!;

t.test('kinds: emergency always hands over; linkage keeps its kind; warm by default', async (t) => {
  t.same(planTransfer(hotline('110'), 'warm'), { kind: 'emergency', style: 'handover', threeWay: false });
  t.same(planTransfer(hotline('12315'), undefined), { kind: 'warm', style: 'consult', threeWay: false });
  t.same(planTransfer(hotline('12315'), 'blind'), { kind: 'blind', style: 'handover', threeWay: false });
  t.same(planTransfer(hotline('12315'), 'three_way'), { kind: 'three_way', style: 'consult', threeWay: true });
  t.same(planTransfer(hotline('12388'), 'warm'), { kind: 'linkage', style: 'consult', threeWay: false });
  t.ok(isTransferTarget(hotline('96333')));
  t.notOk(isTransferTarget(hotline('12369')), 'a direct-integration number is not a transfer target');
  t.notOk(isTransferTarget(routing.byNumber.get('12345')));
});

t.test('hangup causes of a leg that did not answer', async (t) => {
  t.equal(resultOfCause('USER_BUSY', false), 'busy');
  t.equal(resultOfCause('CALL_REJECTED', false), 'busy');
  t.equal(resultOfCause('NO_ANSWER', false), 'no_answer');
  t.equal(resultOfCause('NORMAL_TEMPORARY_FAILURE', false), 'failed');
  t.equal(resultOfCause('INVALID_GATEWAY', false), 'failed');
  t.equal(resultOfCause('ORIGINATOR_CANCEL', true), 'cancelled');
  t.equal(resultOfCause('ORIGINATOR_CANCEL', false), 'failed', 'a cancel we did not make is a failure');
});

t.test('working hours: office hotlines on a make-up Saturday and a holiday; emergency always', async (t) => {
  t.same(
    transferOpen(hotline('12315'), new Date('2026-02-14T10:00:00+08:00'), calendar),
    { open: true, reason: null, provisional: false },
    'make-up Saturday 10:00',
  );
  t.same(transferOpen(hotline('12315'), new Date('2026-10-02T10:00:00+08:00'), calendar).open, false, 'National Day');
  t.match(transferOpen(hotline('12315'), new Date('2026-11-30T12:30:00+08:00'), calendar), {
    open: false,
    reason: '消费者投诉举报热线（12315）当前不在工作时间（工作日 08:30-12:00、14:00-17:30）',
  });
  t.same(transferOpen(hotline('95598'), new Date('2026-10-02T03:00:00+08:00'), calendar).open, true, 'power supply round the clock');
  t.same(transferOpen(hotline('110'), new Date('2027-06-01T03:00:00+08:00'), calendar), { open: true, reason: null, provisional: false });
  t.same(
    transferOpen(hotline('12315'), new Date('2027-06-01T10:00:00+08:00'), calendar),
    { open: true, reason: null, provisional: true },
    'a Tuesday of 2027 without holiday data: open by the weekday rule, flagged',
  );
  t.match(
    transferOpen(hotline('12315'), new Date('2027-06-05T10:00:00+08:00'), calendar),
    { open: false, provisional: true, reason: /不在工作时间.*2027 年节假日数据未录入/ },
    'a Saturday of 2027: closed, and the agent is told it is a guess',
  );
});

t.test('the ticket offered instead', async (t) => {
  t.same(ticketPrefill(hotline('12329'), { id: 'c1', caller: '13800138000', originHotline: null }, '忙线或拒接'), {
    department: 'housing-fund',
    caller: '13800138000',
    call_id: 'c1',
    origin_hotline: null,
    content: '来电拟转接住房公积金热线（12329）未成功：忙线或拒接。请部门按工单处理并答复。',
  });
});

t.test('feature codes', async (t) => {
  t.same(parseFeatureCode('112315'), { action: 'transfer', hotline: '12315', kind: 'warm' });
  t.same(parseFeatureCode('2110'), { action: 'transfer', hotline: '110', kind: 'blind' });
  t.same(parseFeatureCode('3'), { action: 'three_way' });
  t.same(parseFeatureCode('4'), { action: 'complete' });
  t.same(parseFeatureCode('0'), { action: 'cancel' });
  for (const bad of ['', '1', '5', '312', '11', '9123']) t.equal(parseFeatureCode(bad), null, `"${bad}" is no code`);
  const r = new FeatureCodeReader();
  const type = (digits: string, at: number, step = 100) => [...digits].map((d, i) => r.push(d, at + i * step)).filter(Boolean);
  t.same(type('12*112315#', 0), [{ action: 'transfer', hotline: '12315', kind: 'warm' }], 'digits before * are ignored');
  t.same(type('*11231', 10_000).concat(type('5#', 20_000)), [], 'a pause over 5 s drops the code');
  t.same(type('*4#', 30_000), [{ action: 'complete' }]);
  t.same(type('*1A2#', 40_000), [], 'a letter spoils the code');
});
