// The simulator's `record` and `mkdir` applications against FreeSWITCH's source
// (mod_dptools.c record_function, on_dtmf, mkdir_function; switch_ivr_play_say.c
// switch_ivr_record_file_event), and the length of a TGML tone, which a voicemail beep uses.
import t from 'tap';
import type { SimEvent } from '../src/sim/contracts.js';
import { rig, header, variable, sleep, until, parkedLeg, execute, completion } from './support/sim-rig.js';

const REC = '/var/lib/freeswitch/recordings';
const names = (events: SimEvent[]) => events.map((e) => e.name);

t.test('record: RECORD_START, the default terminator *, then the record_* variables and RECORD_STOP before the completion', async (t) => {
  const r = rig(t);
  const leg = await parkedLeg(r);
  execute(r, leg.uuid, 'record', `${REC}/m1.wav 60`, 'rec');
  await until(() => r.of(leg.uuid).some((e) => e.name === 'RECORD_START'));
  await sleep(400);
  r.engine.agent('1005').dtmf('3');
  await sleep(100);
  t.notOk(
    r.of(leg.uuid).some((e) => e.name === 'RECORD_STOP'),
    'a digit that is not a terminator does not stop it',
  );
  r.engine.agent('1005').dtmf('*');
  const done = await completion(r, leg.uuid, 'rec');
  const seen = names(r.of(leg.uuid));
  t.ok(seen.indexOf('RECORD_STOP') < seen.lastIndexOf('CHANNEL_EXECUTE_COMPLETE'), 'RECORD_STOP is fired inside the app');
  t.equal(
    header(
      r.of(leg.uuid).find((e) => e.name === 'RECORD_START'),
      'Record-File-Path',
    ),
    `${REC}/m1.wav`,
  );
  t.equal(variable(done, 'playback_terminator_used'), '*');
  t.equal(variable(done, 'silence_hits_exhausted'), 'false');
  const ms = Number(variable(done, 'record_ms'));
  t.ok(ms >= 450 && ms < 2000, `record_ms ${ms}`);
  t.equal(variable(done, 'record_seconds'), String(Math.floor(ms / 1000)));
  t.notOk(leg.hangupCause, 'the channel goes on');
});

t.test('record: playback_terminators=# ends it on #, not on *', async (t) => {
  const r = rig(t);
  const leg = await parkedLeg(r);
  execute(r, leg.uuid, 'set', 'playback_terminators=#', 's');
  await completion(r, leg.uuid, 's');
  execute(r, leg.uuid, 'record', `${REC}/m2.wav`, 'rec');
  await until(() => r.of(leg.uuid).some((e) => e.name === 'RECORD_START'));
  r.engine.agent('1005').dtmf('*');
  await sleep(150);
  t.notOk(r.of(leg.uuid).some((e) => e.name === 'RECORD_STOP'));
  r.engine.agent('1005').dtmf('#');
  t.equal(variable(await completion(r, leg.uuid, 'rec'), 'playback_terminator_used'), '#');
});

t.test('record: more than <limit> whole seconds end it; the channel stays up', async (t) => {
  const r = rig(t);
  const leg = await parkedLeg(r);
  const started = Date.now();
  execute(r, leg.uuid, 'record', `${REC}/m3.wav +1`, 'rec');
  const done = await completion(r, leg.uuid, 'rec');
  const took = Date.now() - started;
  t.ok(took > 1000 && took < 2300, `ended after ${took} ms: time(NULL) - start > 1`);
  t.equal(variable(done, 'playback_terminator_used'), undefined, 'no terminator (set to "", which unsets it)');
  t.notOk(leg.hangupCause);
});

t.test('record: the caller hangs up; the variables and RECORD_STOP still come, after CHANNEL_HANGUP', async (t) => {
  const r = rig(t);
  const leg = await parkedLeg(r);
  execute(r, leg.uuid, 'record', `${REC}/m4.wav 60 200 5`, 'rec');
  await until(() => r.of(leg.uuid).some((e) => e.name === 'RECORD_START'));
  await sleep(300);
  await r.engine.api('uuid_kill', leg.uuid);
  const done = await completion(r, leg.uuid, 'rec');
  const seen = names(r.of(leg.uuid));
  t.ok(seen.indexOf('CHANNEL_HANGUP') < seen.indexOf('RECORD_STOP'), 'the hangup ends the recording');
  t.ok(Number(variable(done, 'record_ms')) >= 250, `record_ms ${variable(done, 'record_ms')}`);
  t.equal(header(done, 'Hangup-Cause') ?? leg.hangupCause, 'NORMAL_CLEARING', 'the cause stays the caller’s');
});

t.test('record: a folder that does not exist fails the app and hangs the channel up; mkdir makes it', async (t) => {
  const r = rig(t);
  const leg = await parkedLeg(r);
  execute(r, leg.uuid, 'record', `${REC}/nowhere/m5.wav 60`, 'rec');
  await completion(r, leg.uuid, 'rec');
  t.equal(leg.hangupCause, 'DESTINATION_OUT_OF_ORDER');
  t.notOk(
    r.of(leg.uuid).some((e) => e.name === 'RECORD_START'),
    'the file never opened',
  );

  const second = await parkedLeg(r, '1006');
  execute(r, second.uuid, 'mkdir', `${REC}/cti/voicemail/2026-12-07`, 'mk');
  await completion(r, second.uuid, 'mk');
  execute(r, second.uuid, 'record', `${REC}/cti/voicemail/2026-12-07/m6.wav 60`, 'rec2');
  await until(() => r.of(second.uuid).some((e) => e.name === 'RECORD_START'));
  r.engine.agent('1006').dtmf('*');
  await completion(r, second.uuid, 'rec2');
  t.notOk(second.hangupCause, 'recorded into the folder mkdir made');

  const third = await parkedLeg(r, '1007');
  execute(r, third.uuid, 'record_session', `${REC}/cti/2026-12-07/call.wav`, 'rs');
  await until(() => r.of(third.uuid).some((e) => e.name === 'RECORD_START'));
  execute(r, third.uuid, 'record', `${REC}/cti/2026-12-07/m7.wav 60`, 'rec3');
  await sleep(150);
  t.notOk(third.hangupCause, 'record_session made its folder');
});

t.test('a TGML tone plays for the sum of its segments, times its loops', async (t) => {
  const r = rig(t);
  const leg = await parkedLeg(r);
  const started = Date.now();
  execute(r, leg.uuid, 'playback', 'tone_stream://%(500,0,800)', 'p');
  await completion(r, leg.uuid, 'p');
  const once = Date.now() - started;
  t.ok(once >= 480 && once < 900, `one beep: ${once} ms`);
  const again = Date.now();
  execute(r, leg.uuid, 'playback', 'tone_stream://%(200,100,440);loops=2', 'p2');
  await completion(r, leg.uuid, 'p2');
  const twice = Date.now() - again;
  t.ok(twice >= 580 && twice < 1000, `two loops of 300 ms: ${twice} ms`);
});
