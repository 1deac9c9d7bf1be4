// routing.yaml police_diversion.networks: the addresses the 110 platform's INVITEs come from,
// matched against FreeSWITCH's network_addr by the generated dialplan. Each mistake an admin
// can make is reported at its line, with the field path, and a good list reaches the plan.
import t from 'tap';
import { loadConfig, formatIssue, type ConfigIssue } from '../src/config/index.js';
import { copyConfig } from './support/config-dir.js';

const SHIPPED_LINE = 'networks: ["10.20.30.0/24"]';

async function issuesOf(dir: string): Promise<ConfigIssue[]> {
  const r = await loadConfig(dir, {});
  if (r.ok) throw new Error('expected the config to be rejected');
  return r.issues;
}

t.test('the networks reach the plan; without the field there are none', async (t) => {
  const copy = copyConfig();
  t.teardown(copy.remove);
  copy.edit('routing.yaml', SHIPPED_LINE, 'networks: ["10.20.30.0/24", "192.0.2.7", "172.16.0.0/12"]');
  const r = await loadConfig(copy.dir, {});
  if (!r.ok) return t.fail(r.issues.map(formatIssue).join('\n'));
  t.same(r.config.routing.policeDiversion.networks, ['10.20.30.0/24', '192.0.2.7', '172.16.0.0/12']);

  copy.edit('routing.yaml', /\n {2}networks: .*\n/, '\n');
  const without = await loadConfig(copy.dir, {});
  if (!without.ok) return t.fail(without.issues.map(formatIssue).join('\n'));
  t.same(without.config.routing.policeDiversion.networks, [], 'an older routing.yaml without networks still loads');
});

const mistakes: Array<{ name: string; value: string; message: RegExp }> = [
  { name: 'an octet above 255', value: '10.20.300.0/24', message: /"10\.20\.300\.0\/24" is not an IPv4 address: each part is 0-255/ },
  { name: 'a leading zero (network_addr never has one)', value: '10.20.030.0/24', message: /without leading zeros/ },
  { name: 'a prefix that takes in whole carriers', value: '10.0.0.0/4', message: /prefix length must be 8 to 32/ },
  { name: 'a prefix above 32', value: '10.20.30.0/33', message: /prefix length must be 8 to 32/ },
  { name: 'bits set after the prefix', value: '10.20.30.7/24', message: /has bits set after the \/24 prefix; the network is 10\.20\.30\.0\/24/ },
  { name: 'an IPv6 address', value: 'fe80::1', message: /an IPv4 address or network/ },
  { name: 'a host name', value: 'police.example', message: /an IPv4 address or network/ },
];

for (const m of mistakes) {
  t.test(`networks: ${m.name}`, async (t) => {
    const copy = copyConfig();
    t.teardown(copy.remove);
    copy.edit('routing.yaml', SHIPPED_LINE, `networks: ["192.0.2.7", "${m.value}"]`);
    const issues = await issuesOf(copy.dir);
    t.equal(issues.length, 1, issues.map(formatIssue).join('\n'));
    const [issue] = issues;
    t.equal(issue!.path, 'police_diversion.networks[1]');
    t.match(issue!.message, m.message);
    t.equal(issue!.line, copy.lineOf('routing.yaml', m.value), formatIssue(issue!));
  });
}
