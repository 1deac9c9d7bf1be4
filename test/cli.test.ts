// The `cti` command as an operator runs it (bin/cti.js is what `npx cti` starts).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { copyConfig, projectDir } from './support/config-dir.js';
import { ctiHere as ctiRunHere } from './support/cti-here.js';

function cti(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(projectDir, 'bin/cti.js'), ...args], {
    cwd: projectDir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

/** The same command run by main() in this process; two tests below still run bin/cti.js itself. */
async function ctiHere(args: string[], env: Record<string, string> = {}) {
  const r = await ctiRunHere(args, env);
  return { code: r.code, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

t.test('calendar due: the acceptance examples', async (t) => {
  t.same(cti(['calendar', 'due', '2026-09-30T15:00:00+08:00', '1']), { code: 0, stdout: '2026-10-08T15:00:00+08:00', stderr: '' });
  t.same((await ctiHere(['calendar', 'due', '2026-02-13T16:00+08:00', '1'])).stdout, '2026-02-14T16:00:00+08:00', 'make-up Saturday');
  t.same((await ctiHere(['calendar', 'due', '2026-11-30T12:00:00+08:00', '1'])).stdout, '2026-12-01T12:00:00+08:00', 'ends at the end of the morning');
  t.same((await ctiHere(['calendar', 'due', '2026-11-27T08:00:00Z', '1'])).stdout, '2026-11-30T16:00:00+08:00', 'UTC input, Friday 16:00 local');
});

t.test('calendar is-workday', async (t) => {
  t.same(await ctiHere(['calendar', 'is-workday', '2026-02-14']), { code: 0, stdout: 'true', stderr: '' });
  t.same((await ctiHere(['calendar', 'is-workday', '2026-10-01'])).stdout, 'false');
  const missing = await ctiHere(['calendar', 'is-workday', '2030-06-03']);
  t.equal(missing.code, 0, 'a year without data is answered by the weekday rule');
  t.equal(missing.stdout, 'true', 'a Monday');
  t.match(missing.stderr, /provisional \(暂定\): 2030 has no holiday data.*config\/calendar\.yaml/);
  const strict = await ctiHere(['calendar', '--strict', 'is-workday', '2030-06-03']);
  t.equal(strict.code, 1, '--strict keeps the error');
  t.equal(strict.stdout, '');
  t.match(strict.stderr, /CTI_CALENDAR_NO_DATA: .*2030.*config\/calendar\.yaml/);
});

t.test('calendar due past the holiday data: provisional with a warning, or an error with --strict', async (t) => {
  const provisional = await ctiHere(['calendar', 'due', '2026-12-24T10:00:00+08:00', '7']);
  t.equal(provisional.code, 0);
  t.equal(provisional.stdout, '2027-01-04T10:00:00+08:00', 'Dec 25, 28, 29, 30, 31, then Fri Jan 1 and Mon Jan 4 by the weekday rule');
  t.match(provisional.stderr, /^warning: provisional \(暂定\): 2027 has no holiday data/);
  const strict = await ctiHere(['calendar', 'due', '2026-12-24T10:00:00+08:00', '7', '--strict']);
  t.equal(strict.code, 1);
  t.match(strict.stderr, /CTI_CALENDAR_NO_DATA: No holiday data for 2027-01-01/);
  t.same(
    await ctiHere(['calendar', '--strict', 'due', '2026-12-21T10:00:00+08:00', '7']),
    { code: 0, stdout: '2026-12-30T10:00:00+08:00', stderr: '' },
    'within the data: no warning',
  );
});

t.test('calendar data for a future year comes from config/calendar.yaml', async (t) => {
  const copy = copyConfig();
  t.teardown(copy.remove);
  copy.edit('calendar.yaml', 'years: {}', 'years:\n  "2030":\n    holidays: ["2030-06-03"]\n    makeup_workdays: ["2030-06-08"]');
  t.same((await ctiHere(['calendar', 'is-workday', '2030-06-03'], { CTI_CONFIG: copy.dir })).stdout, 'false');
  t.same((await ctiHere(['calendar', 'is-workday', '2030-06-04'], { CTI_CONFIG: copy.dir })).stdout, 'true');
  t.same((await ctiHere(['calendar', 'is-workday', '2030-06-08'], { CTI_CONFIG: copy.dir })).stdout, 'true');
});

t.test('bad calendar input is a clear error', async (t) => {
  const noOffset = await ctiHere(['calendar', 'due', '2026-09-30T15:00', '1']);
  t.equal(noOffset.code, 1);
  t.match(noOffset.stderr, /CTI_CALENDAR_BAD_INPUT/);
  t.match((await ctiHere(['calendar', 'due', '2026-09-30T15:00+08:00', 'two'])).stderr, /"two" is not a number of working days/);
  t.equal((await ctiHere(['calendar', 'frobnicate'])).code, 2);
});

t.test('validate-config: exit 0 on the shipped config, 1 with file:line:column on a broken one', async (t) => {
  const ok = await ctiHere(['validate-config']);
  t.equal(ok.code, 0);
  t.match(ok.stdout, /valid \(42 hotlines: 12 direct, 22 parallel, 4 emergency, 4 linkage\)/);

  const copy = copyConfig();
  t.teardown(copy.remove);
  copy.edit('routing.yaml', '{ number: "12385"', '{ number: "12316"');
  const bad = await ctiHere(['validate-config', copy.dir]);
  t.equal(bad.code, 1);
  const line = copy.lineOf('routing.yaml', '残疾人服务热线');
  t.match(bad.stderr, new RegExp(`routing\\.yaml:${line}:\\d+ direct\\[11\\]\\.number: duplicate number 12316`));
  t.match(bad.stderr, /1 problem in /);
});

t.test('unknown command prints usage', async (t) => {
  const r = cti(['frob']);
  t.equal(r.code, 2);
  t.match(r.stderr, /usage: cti <command>/);
});
