// The explorer's CI run, second half (test/support/explorer-ci.ts): the other fixed seeds and one
// fresh seed per run, printed in the log so that a failure can be replayed.
import t from 'tap';
import { CI_HALVES, ciHalf } from './support/explorer-ci.js';

t.test('fixed seeds and a fresh one: random calls, every failure kind, every invariant held', async (t) => {
  await ciHalf(t, CI_HALVES.second, true);
});
