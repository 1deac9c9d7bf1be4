// The settings of the figures in routing.yaml: the transfer alert (transfer.alert) and the
// capacity hint's window (service_level.capacity_window_min). Shipped values, defaults when
// left out, and each mistake pointed at as file:line:column with a plain message.
import t from 'tap';
import { loadConfig, formatIssue, type ConfigIssue } from '../src/config/index.js';
import { copyConfig, shippedConfig } from './support/config-dir.js';

const ALERT_BLOCK = '  alert:\n    min_counted: 5\n    close_margin: 0.02\n    quiet_close_min: 120\n';

async function issuesOf(dir: string): Promise<ConfigIssue[]> {
  const r = await loadConfig(dir, {});
  if (r.ok) throw new Error('expected the config to be rejected');
  return r.issues;
}

t.test('the shipped routing.yaml states the alert and capacity settings', async (t) => {
  const r = await loadConfig(shippedConfig, {});
  if (!r.ok) return t.fail(r.issues.map(formatIssue).join('\n'));
  t.same(r.config.routing.transfer.alert, { minCounted: 5, closeMargin: 0.02, quietCloseMin: 120 });
  t.equal(r.config.routing.serviceLevel.capacityWindowMin, 60);
});

t.test('left out, each setting takes its default', async (t) => {
  const copy = copyConfig();
  t.teardown(copy.remove);
  copy.edit('routing.yaml', ALERT_BLOCK, '');
  copy.edit('routing.yaml', '  capacity_window_min: 60\n', '');
  const r = await loadConfig(copy.dir, {});
  if (!r.ok) return t.fail(r.issues.map(formatIssue).join('\n'));
  t.same(r.config.routing.transfer.alert, { minCounted: 5, closeMargin: 0.02, quietCloseMin: 120 }, 'no alert section');
  t.equal(r.config.routing.serviceLevel.capacityWindowMin, 60);

  const partial = copyConfig();
  t.teardown(partial.remove);
  partial.edit('routing.yaml', ALERT_BLOCK, '  alert:\n    min_counted: 10\n');
  const p = await loadConfig(partial.dir, {});
  if (!p.ok) return t.fail(p.issues.map(formatIssue).join('\n'));
  t.same(p.config.routing.transfer.alert, { minCounted: 10, closeMargin: 0.02, quietCloseMin: 120 }, 'one field given, the others defaulted');
});

const mistakes = [
  { name: 'no attempts needed', from: 'min_counted: 5', to: 'min_counted: 0', path: 'transfer.alert.min_counted', message: /0: must be >= 1/ },
  {
    name: 'a fraction of an attempt',
    from: 'min_counted: 5',
    to: 'min_counted: 2.5',
    path: 'transfer.alert.min_counted',
    message: /must be an integer, not 2\.5/,
  },
  { name: 'a percentage for a share', from: 'close_margin: 0.02', to: 'close_margin: 2', path: 'transfer.alert.close_margin', message: /2: must be <= 0\.5/ },
  {
    name: 'a margin past 100%',
    from: 'close_margin: 0.02',
    to: 'close_margin: 0.1',
    path: 'transfer.alert.close_margin',
    message: /target_rate 0\.95 \+ close_margin 0\.1 is above 1: the alert could never close on the rate; use at most 0\.05/,
  },
  {
    name: 'a quiet period longer than the window',
    from: 'quiet_close_min: 120',
    to: 'quiet_close_min: 2000',
    path: 'transfer.alert.quiet_close_min',
    message: /2000: must be <= 1440/,
  },
  {
    name: 'a misspelt field',
    from: 'min_counted: 5',
    to: 'min_count: 5',
    path: 'transfer.alert.min_count',
    message: /unknown field "min_count" \(allowed: min_counted, close_margin, quiet_close_min\)/,
  },
  {
    name: 'a capacity window in hours',
    from: 'capacity_window_min: 60',
    to: 'capacity_window_min: 1',
    path: 'service_level.capacity_window_min',
    message: /1: must be >= 5/,
  },
];

for (const m of mistakes) {
  t.test(`mistake: ${m.name}`, async (t) => {
    const copy = copyConfig();
    t.teardown(copy.remove);
    copy.edit('routing.yaml', m.from, m.to);
    const issues = await issuesOf(copy.dir);
    const issue = issues.find((i) => i.path === m.path);
    if (!issue) return t.fail(`no issue at ${m.path}: ${issues.map(formatIssue).join('; ')}`);
    t.match(issue.message, m.message, formatIssue(issue));
    t.equal(issue.line, copy.lineOf('routing.yaml', m.to), 'the line of the mistake');
  });
}
