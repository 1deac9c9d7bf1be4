// The real-switch check can fail: run against a simulator whose test context does not behave
// as the scenarios expect (seat 1001 answers instead of declining, 95598 answers instead of
// ringing out), the script prints a FAIL line for each scenario and exits 1. Also the audio
// level the check reads from a real switch's recording, on made-up recordings.
import t from 'tap';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wavLevel } from '../scripts/switch-check/checks.js';
import { projectDir } from './support/config-dir.js';
import { runCheckScript } from './support/check-script.js';

t.test('a switch that does not behave: FAIL lines and exit 1', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cti-check-dialplan-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(projectDir, 'dialplan'), dir, { recursive: true });
  const file = join(dir, 'cti_test.xml');
  const shipped = readFileSync(file, 'utf8');
  const broken = shipped.replace('expression="^seat-1001$"', 'expression="^no-such-seat$"').replace('expression="^95598$"', 'expression="^no-such-number$"');
  t.not(broken, shipped);
  writeFileSync(file, broken);
  const run = await runCheckScript(['--against-simulator', '--dialplan', dir, '--only', 'agent-declines,department-rings-out']);
  t.comment(run.stdout);
  t.equal(run.code, 1, 'exit 1');
  t.match(run.stdout, /^FAIL agent-declines \([\d.]+ s\): the caller was answered by 1001, not seat 1002/m);
  t.match(run.stdout, /^FAIL department-rings-out \([\d.]+ s\): the department answered \(95598 through gateway telecom-trunk\)/m);
  t.notMatch(run.stdout, /^PASS/m);
  t.match(run.stdout, /^0 passed, 2 failed against the simulator/m);
});

t.test('usage errors exit 2 before anything starts', async (t) => {
  const run = await runCheckScript(['--against-simulator', '--only', 'no-such-scenario'], 30_000);
  t.equal(run.code, 2);
  t.match(run.stderr, /unknown scenario: no-such-scenario/);
  t.match(run.stderr, /agent-declines, department-rings-out, hold-music, warm-transfer, blind-transfer, three-way, controller-dies-before-connect/);
});

/** A mono 16-bit PCM WAV at 8 kHz, as mod_sndfile writes a .wav recording. */
function wav(samples: number[]): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(s, i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

t.test('the recorded level: hold music is loud enough, silence and comfort noise are not', async (t) => {
  const tone = wav(Array.from({ length: 24000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000))));
  const music = wavLevel(tone);
  t.equal(music.seconds, 3);
  t.ok(Math.abs(music.rmsDbfs - -15.3) < 0.2, `a 440 Hz tone at a quarter of full scale is about -15.3 dBFS RMS (${music.rmsDbfs})`);
  t.ok(music.rmsDbfs > -45, 'passes the check');
  const silence = wavLevel(wav(new Array(24000).fill(0)));
  t.equal(silence.rmsDbfs, -Infinity);
  const noise = wavLevel(wav(Array.from({ length: 24000 }, (_, i) => (i % 2 ? 20 : -20))));
  t.ok(noise.rmsDbfs < -45, `comfort noise is below the threshold (${noise.rmsDbfs.toFixed(1)} dBFS)`);
  t.throws(() => wavLevel(Buffer.from('not a wav file at all, no')), /not a WAV file/);
});
