// Parser throughput: src/esl's FrameParser + event decoding against modesl 1.2.1's Parser, on
// the same stream of text/event-plain frames (url-encoded values, some UTF-8), fed in 64 KiB
// chunks as a socket would deliver them. Prints events/s for each and the ratio; no goals
// are asserted (docs/architecture.md §6). Run: node --import tsx scripts/bench/esl-parse.ts [events] [headers]
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { FrameParser, FrameError, toMessage } from '../../src/esl/index.js';

const CHUNK = 64 * 1024;

function encode(value: string): string {
  return [...Buffer.from(value)]
    .map((b) =>
      b < 0x20 || b > 0x7e || ' %:@&+=;<>?#'.includes(String.fromCharCode(b)) ? `%${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b),
    )
    .join('');
}

/** A stream of `count` CHANNEL_STATE events with `headers` headers each. */
function buildStream(count: number, headers: number): Buffer {
  const frames: string[] = [];
  for (let i = 0; i < count; i++) {
    const lines = [`Event-Name: CHANNEL_STATE`, `Unique-ID: ${i}`, `Event-Date-Timestamp: ${1_700_000_000_000_000 + i}`];
    for (let h = lines.length; h < headers; h++) lines.push(`variable_h${h}: ${encode(h % 5 === 0 ? '张三 12345热线' : `value ${h}:${i}`)}`);
    const inner = `${lines.join('\n')}\n\n`;
    frames.push(`Content-Length: ${Buffer.byteLength(inner)}\nContent-Type: text/event-plain\n\n${inner}`);
  }
  return Buffer.from(frames.join(''));
}

function chunks(stream: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < stream.length; i += CHUNK) out.push(stream.subarray(i, i + CHUNK));
  return out;
}

function ours(pieces: Buffer[]): number {
  const parser = new FrameParser();
  let n = 0;
  for (const piece of pieces) {
    for (const item of parser.push(piece)) {
      if (item instanceof FrameError) continue;
      const m = toMessage(item);
      if (!(m instanceof FrameError) && m.type === 'event' && m.event.name === 'CHANNEL_STATE') n++;
    }
  }
  return n;
}

function modesl(pieces: Buffer[]): number {
  const require = createRequire(import.meta.url);
  const Parser = require('modesl/lib/esl/Parser.js') as new (socket: EventEmitter) => EventEmitter;
  const socket = new EventEmitter();
  const parser = new Parser(socket);
  let n = 0;
  parser.on('esl::event', (event: { getHeader(name: string): string }) => {
    if (event.getHeader('Event-Name') === 'CHANNEL_STATE') n++;
  });
  for (const piece of pieces) socket.emit('data', piece);
  return n;
}

function time(run: () => number, expected: number): number {
  const start = process.hrtime.bigint();
  const n = run();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (n !== expected) throw new Error(`parsed ${n} events, expected ${expected}`);
  return (n / ms) * 1000;
}

export async function main(argv: string[]): Promise<void> {
  const count = Number(argv[0] ?? 50_000);
  const headers = Number(argv[1] ?? 25);
  const stream = buildStream(count, headers);
  const pieces = chunks(stream);
  process.stdout.write(`${count} events, ${headers} headers, ${(stream.length / count / 1024).toFixed(1)} KiB/event, ${pieces.length} chunks of 64 KiB\n`);
  // Alternate the two, best of five each: the machine is shared, so the best run is the
  // least disturbed one.
  let a = 0;
  let b = 0;
  for (let round = 0; round < 5; round++) {
    a = Math.max(
      a,
      time(() => ours(pieces), count),
    );
    b = Math.max(
      b,
      time(() => modesl(pieces), count),
    );
  }
  process.stdout.write(
    `src/esl   ${Math.round(a).toLocaleString('en')} events/s\nmodesl    ${Math.round(b).toLocaleString('en')} events/s\nratio     ${(a / b).toFixed(2)}× (src/esl / modesl, same run)\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
