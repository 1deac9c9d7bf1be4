// pino, pretty-printed when a person is watching a terminal, JSON lines otherwise
// (for journald, log shippers, and tests that read the server's output).
import pino, { type Logger } from 'pino';

export function createLogger(level: string, pretty = process.stdout.isTTY === true): Logger {
  if (!pretty) return pino({ level, base: { service: 'cti' } });
  return pino({
    level,
    base: { service: 'cti' },
    transport: { target: 'pino-pretty', options: { translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid,hostname,service' } },
  });
}
