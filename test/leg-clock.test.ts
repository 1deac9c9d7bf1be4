// LegClock: leg times by FreeSWITCH's clock, and hung-up legs forgotten after a while by one
// sweep, not a timer each.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { EslEvent } from '../src/esl/index.js';
import { LegClock } from '../src/call/index.js';

const event = (name: string, uuid: string, atUs: number, cause?: string) =>
  new EslEvent(
    [['Event-Name', name], ['Unique-ID', uuid], ['Event-Date-Timestamp', String(atUs)], ...(cause ? [['Hangup-Cause', cause] as const] : [])],
    undefined,
    'plain',
  );

t.test('times come from the events, the first of each kind', async (t) => {
  const legs = new LegClock();
  legs.observe(event('CHANNEL_CREATE', 'a', 1_000));
  legs.observe(event('CHANNEL_ANSWER', 'a', 4_000));
  legs.observe(event('CHANNEL_ANSWER', 'a', 9_000));
  legs.observe(event('CHANNEL_HANGUP', 'a', 20_000, 'NORMAL_CLEARING'));
  legs.observe(event('CHANNEL_HANGUP_COMPLETE', 'a', 21_000, 'NORMAL_CLEARING'));
  t.same(legs.times('a'), { createdUs: 1_000, answeredUs: 4_000, hangupUs: 20_000, cause: 'NORMAL_CLEARING' });
  t.same(await legs.hungUp('a'), legs.times('a'), 'hungUp resolves at once for a leg already down');
});

t.test('waiters are woken by the event they wait for, or time out with what is known', async (t) => {
  const legs = new LegClock();
  const answered = legs.when('b', 'answeredUs', 1_000);
  const late = legs.when('b', 'hangupUs', 30);
  legs.observe(event('CHANNEL_ANSWER', 'b', 5_000));
  t.equal((await answered).answeredUs, 5_000);
  t.same(await late, { answeredUs: 5_000 }, 'timed out with the times known so far');
});

t.test('hung-up legs are forgotten after the keep time, the others stay', async (t) => {
  // kept 200 ms, swept every 200 ms: 'early' is due at 200 and gone by the sweep at 200 or 400;
  // 'later' is due at 500 and goes at the sweep at 600
  const legs = new LegClock(200);
  legs.observe(event('CHANNEL_CREATE', 'early', 1));
  legs.observe(event('CHANNEL_HANGUP', 'early', 2, 'NORMAL_CLEARING'));
  legs.observe(event('CHANNEL_HANGUP_COMPLETE', 'early', 3, 'NORMAL_CLEARING'));
  legs.observe(event('CHANNEL_CREATE', 'talking', 1));
  t.equal(legs.size, 2);
  await sleep(300);
  legs.observe(event('CHANNEL_HANGUP', 'later', 4, 'USER_BUSY'));
  await sleep(150);
  t.same(legs.times('early'), {}, 'forgotten once its time is up');
  t.equal(legs.times('later').cause, 'USER_BUSY', 'a leg that hung up later is still known');
  t.equal(legs.times('talking').createdUs, 1, 'a leg still up is never forgotten');
  await sleep(350);
  t.same(legs.times('later'), {});
  t.equal(legs.size, 1, 'only the leg still up is left');
});

t.test('after an outage, a leg FreeSWITCH no longer lists is taken as ended, and its waiters go on (found by the explorer)', async (t) => {
  const legs = new LegClock(50);
  legs.observe(event('CHANNEL_CREATE', 'gone', 1_000));
  legs.observe(event('CHANNEL_ANSWER', 'gone', 2_000));
  legs.observe(event('CHANNEL_CREATE', 'live', 1_500));
  legs.observe(event('CHANNEL_CREATE', 'done', 1_600));
  legs.observe(event('CHANNEL_HANGUP', 'done', 3_000, 'NORMAL_CLEARING'));
  const talkOver = legs.hungUp('gone');
  const known = legs.known();
  legs.observe(event('CHANNEL_CREATE', 'new', 8_500));
  t.equal(legs.reconcile(new Set(['live']), known, 9_000, 'ENDED_WHILE_CONTROLLER_DOWN'), 1, 'one leg ended unheard');
  t.same(legs.times('new'), { createdUs: 8_500 }, 'a leg created after the listing was asked for is not judged by it (explorer seed 305)');
  t.same(
    await talkOver,
    { createdUs: 1_000, answeredUs: 2_000, hangupUs: 9_000, cause: 'ENDED_WHILE_CONTROLLER_DOWN' },
    'the waiter hears of it, with the listing as its latest end',
  );
  t.equal(legs.times('live').hangupUs, undefined, 'a listed leg is left alone');
  t.same(legs.times('done'), { createdUs: 1_600, hangupUs: 3_000, cause: 'NORMAL_CLEARING' }, 'a leg whose hangup was heard keeps its own');
});
