// The explorer's CI run, first half (test/support/explorer-ci.ts; the second half is
// explorer-second-half.test.ts, run beside it by tap): fixed seeds, then exact replay.
import t from 'tap';
import { CI_HALVES, ciHalf, explore } from './support/explorer-ci.js';

t.test('fixed seeds: random calls, every failure kind, every invariant held', async (t) => {
  // with the second half's two seeds and its fresh one: 5 × 420 = 2,100 calls in all
  await ciHalf(t, CI_HALVES.first, false);
});

t.test('a seed replays exactly: the same history twice, also within one process (as shrinking runs it)', async (t) => {
  const { out } = await explore(['--seeds', '5,5,6', '--calls', '60', '--no-shrink']);
  const digests = [...out.matchAll(/history ([0-9a-f]{16})/g)].map((m) => m[1]);
  t.equal(digests.length, 3, 'a digest per run');
  t.equal(digests[0], digests[1], 'the same seed, the same history');
  t.not(digests[2], digests[0], 'another seed, another history');
});
