// Leaving a message (留言) after the longest wait, against the simulator and the real server:
// the caller presses 3 at the call-back offer, hears the prompt and the tone, and is recorded
// by FreeSWITCH's `record` app into a folder made first; the message lands on the call-back
// list with its file and length. A caller who hangs up before the tone is still called back.
import t, { type Test } from 'tap';
import { virtualSwitchboard as switchboard, type VirtualSwitchboard as Switchboard } from './support/virtual-switchboard.js';

const staff = [{ name: 'boss', role: 'supervisor' }];

const ended = (sb: Switchboard, caller: string) =>
  sb.until(`the call from ${caller} to end`, `/api/calls?caller=${caller}`, (b) => (b.items[0]?.ended_at ? b.items[0] : undefined), 40_000);

/** Nobody staffed, the offer after 3 s of waiting. */
async function board(t: Test): Promise<Switchboard> {
  const sb = await switchboard({ agents: [], users: staff, configure: (c) => c.edit('routing.yaml', 'max_wait_s: 180', 'max_wait_s: 3') });
  t.teardown(() => sb.stop());
  await sb.server.login('boss');
  return sb;
}

/** Applications run on one caller's channel, with their arguments and channel. */
function appsOf(sb: Switchboard, caller: string): Array<{ app: string; arg: string; uuid: string }> {
  const apps: Array<{ app: string; arg: string; uuid: string }> = [];
  sb.sim.engine.tap((e) => {
    if (e.name !== 'CHANNEL_EXECUTE') return;
    const h = (n: string) => e.headers.find(([k]) => k === n)?.[1] ?? '';
    if (h('Caller-Caller-ID-Number') === caller && h('Call-Direction') === 'inbound')
      apps.push({ app: h('Application'), arg: h('Application-Data'), uuid: h('Unique-ID') });
  });
  return apps;
}

/** 1 at the menu, then 3 every second: play_and_get_digits flushes earlier digits, so the first 3 inside the offer takes it. */
const pressThree = (untilS: number) => [{ at_s: 0.5, digits: '1' }, ...Array.from({ length: untilS - 2 }, (_, i) => ({ at_s: 2 + i, digits: '3' }))];

t.test('the caller leaves a message and hangs up: outcome 留言, on the call-back list with its file and length', async (t) => {
  const sb = await board(t);
  const apps = appsOf(sb, '13800000071');
  sb.sim.engine.placeCall({ from: '13800000071', to: '12345', dtmf: pressThree(7), hangupAfterS: 12 });
  const call = await ended(sb, '13800000071');
  t.match(call, { outcome: 'voicemail', line: '1', agent: null });
  const names = apps.map((a) => a.app);
  const record = apps.find((a) => a.app === 'record');
  t.ok(record, 'the record app ran');
  t.ok(names.indexOf('mkdir') >= 0 && names.indexOf('mkdir') < names.indexOf('record'), 'its folder was made first');
  t.match(
    record!.arg,
    new RegExp(`^/var/lib/freeswitch/recordings/cti/voicemail/\\d{4}-\\d{2}-\\d{2}/${call.id}\\.wav 120 200 5$`),
    'longest message 120 s, silence 5 s',
  );
  t.ok(
    apps.some((a) => a.app === 'playback' && a.arg.includes('voicemail.wav') && a.arg.includes('tone_stream://')),
    'the prompt, then the tone',
  );
  const [item] = (await sb.server.get('/api/callbacks')).body.items;
  t.match(item, {
    caller: '13800000071',
    call_id: call.id,
    line: '1',
    message: { path: `${record!.arg.split(' ')[0]!.replace('/var/lib/freeswitch/recordings/', '')}` },
  });
  t.ok(item.message.seconds >= 2 && item.message.seconds <= 10, `a message of ${item.message.seconds} s (the caller hung up at 12 s)`);
});

t.test('# ends the message: the caller hears it was received and the centre hangs up', async (t) => {
  const sb = await board(t);
  const apps = appsOf(sb, '13800000072');
  sb.sim.engine.placeCall({ from: '13800000072', to: '12345', dtmf: [...pressThree(7), { at_s: 10, digits: '#' }], hangupAfterS: 40 });
  const call = await ended(sb, '13800000072');
  t.match(call, { outcome: 'voicemail', hangup_cause: 'NORMAL_CLEARING' });
  t.ok(Date.parse(call.ended_at) - Date.parse(call.started_at) < 20_000, 'ended by the centre, well before the caller would have hung up');
  const names = apps.map((a) => a.app);
  t.ok(apps.findIndex((a) => a.arg.includes('voicemail-saved')) > names.indexOf('record'), 'the confirmation after the message');
  const [item] = (await sb.server.get('/api/callbacks')).body.items;
  t.ok(item.message.seconds >= 2, `a message of ${item.message.seconds} s`);
});

t.test('a caller who hangs up before the tone is still on the call-back list, without a message', async (t) => {
  const sb = await board(t);
  const apps = appsOf(sb, '13800000073');
  sb.sim.engine.tap((e) => {
    const h = (n: string) => e.headers.find(([k]) => k === n)?.[1] ?? '';
    if (
      e.name === 'CHANNEL_EXECUTE' &&
      h('Caller-Caller-ID-Number') === '13800000073' &&
      h('Application') === 'playback' &&
      h('Application-Data').includes('voicemail.wav')
    ) {
      void sb.sim.engine.api('uuid_kill', h('Unique-ID'));
    }
  });
  sb.sim.engine.placeCall({ from: '13800000073', to: '12345', dtmf: pressThree(7), hangupAfterS: 40 });
  const call = await ended(sb, '13800000073');
  t.match(call, { outcome: 'callback', agent: null });
  t.notOk(
    apps.some((a) => a.app === 'record'),
    'nothing was recorded',
  );
  t.match((await sb.server.get('/api/callbacks')).body.items, [{ caller: '13800000073', call_id: call.id, message: null }]);
});
