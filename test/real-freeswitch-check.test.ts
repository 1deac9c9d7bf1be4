// The operator's check for a real FreeSWITCH, run here against the simulator with the real
// controller (`scripts/real-freeswitch-check.ts --against-simulator`): the script starts the
// simulator (set up as docs/real-freeswitch.md sets up the test box) and the controller itself, and every
// scenario must print its PASS line. test/real-freeswitch-check-fails.test.ts shows the same
// script failing when the switch does not behave.
import t from 'tap';
import { CHECKS } from '../scripts/switch-check/checks.js';
import { runCheckScript } from './support/check-script.js';

t.test('every scenario passes against the simulator and the real controller', async (t) => {
  const run = await runCheckScript(['--against-simulator']);
  const lines = run.stdout.split('\n');
  if (run.code !== 0) t.comment(`${run.stdout}\n${run.stderr.slice(-3000)}`);
  t.equal(run.code, 0, 'exit 0');
  for (const check of CHECKS) {
    t.ok(
      lines.some((l) => l.startsWith(`PASS ${check.name} (`)),
      `PASS ${check.name}`,
    );
  }
  t.notOk(
    lines.some((l) => l.startsWith('FAIL')),
    'no FAIL line',
  );
  t.match(run.stdout, new RegExp(`^${CHECKS.length} passed, 0 failed against the simulator`, 'm'));
  t.match(run.stdout, /^NOTE hold-music: the simulator has no audio/m, 'it says what it could not check');
  t.comment(`the whole run took ${(run.ms / 1000).toFixed(1)} s`);
});
