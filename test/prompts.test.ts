// Every prompt the routing config, the generated dialplan and the prompt list name exists in
// both rates, as the WAV format FreeSWITCH plays without conversion.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../src/config/index.js';
import { projectDir, shippedConfig } from './support/config-dir.js';

const promptDir = join(projectDir, 'ivr-prompts', 'cti');
const listed = Object.keys((parse(readFileSync(join(projectDir, 'ivr-prompts', 'prompts.yaml'), 'utf8')) as { prompts: Record<string, string> }).prompts);
const generated = ['hold-music'];

/** The fmt chunk of a RIFF/WAVE file. */
function wavFormat(bytes: Buffer): { format: number; channels: number; rate: number; bits: number } {
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a RIFF WAVE file');
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      return {
        format: bytes.readUInt16LE(at + 8),
        channels: bytes.readUInt16LE(at + 10),
        rate: bytes.readUInt32LE(at + 12),
        bits: bytes.readUInt16LE(at + 22),
      };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('no fmt chunk');
}

t.test('each listed prompt exists at 8 kHz and 16 kHz, 16-bit mono PCM, and nothing else is there', async (t) => {
  for (const rate of [8000, 16000]) {
    const files = readdirSync(join(promptDir, String(rate))).sort();
    t.same(files, [...listed, ...generated].map((n) => `${n}.wav`).sort(), `${rate}: exactly the listed prompts`);
    for (const f of files) {
      const bytes = readFileSync(join(promptDir, String(rate), f));
      t.same(wavFormat(bytes), { format: 1, channels: 1, rate, bits: 16 }, `${rate}/${f}`);
      t.ok(bytes.length > 44 + rate * 0.4, `${rate}/${f} holds more than 0.2 s of sound`);
    }
  }
});

t.test('prompts named by routing.yaml and by the generated dialplan exist', async (t) => {
  const r = await loadConfig(shippedConfig, {});
  if (!r.ok) return t.fail('config invalid');
  const named = new Set([r.config.routing.ivr.welcomePrompt, r.config.routing.ivr.menuPrompt]);
  const dialplan = readFileSync(join(projectDir, 'dialplan', 'public', '00_cti_12345.xml'), 'utf8');
  for (const m of dialplan.matchAll(/\$\{sounds_dir\}\/cti\/([a-z0-9-]+)\.wav/g)) named.add(m[1]!);
  t.ok(named.size >= 5, `found ${[...named].join(', ')}`);
  for (const name of named) t.ok(listed.includes(name) || generated.includes(name), `${name} is a prompt`);
});

t.test('every prompt the call flows name exists, numbers included', async (t) => {
  const { readdirSync: list, readFileSync: read } = await import('node:fs');
  const dir = join(projectDir, 'src', 'call');
  const files = [...list(dir).map((f) => join(dir, f)), ...list(join(dir, 'steps')).map((f) => join(dir, 'steps', f))].filter((f) => f.endsWith('.ts'));
  const named = new Set<string>();
  for (const f of files) for (const m of read(f, 'utf8').matchAll(/prompt\('([a-z0-9-]+)'\)|'(queue-[a-z]+|digit-10)'/g)) named.add((m[1] ?? m[2])!);
  const { chineseNumber } = await import('../src/call/announce.js');
  for (let n = 0; n <= 99; n++) for (const p of chineseNumber(n)) named.add(p);
  t.ok(named.size > 15, `${named.size} prompts named by the flows`);
  for (const name of named) t.ok(listed.includes(name) || generated.includes(name), `${name} exists`);
});

t.test('numbers are read the Chinese way', async (t) => {
  const { chineseNumber } = await import('../src/call/announce.js');
  t.same(chineseNumber(7), ['digit-7']);
  t.same(chineseNumber(10), ['digit-10']);
  t.same(chineseNumber(15), ['digit-10', 'digit-5']);
  t.same(chineseNumber(20), ['digit-2', 'digit-10']);
  t.same(chineseNumber(23), ['digit-2', 'digit-10', 'digit-3']);
  t.same(chineseNumber(150), ['digit-9', 'digit-10', 'digit-9'], 'capped at 99');
});
