// pino, pretty-printed when a person is watching a terminal, JSON lines otherwise
// (for journald, log shippers, and tests that read the server's output). No line carries a
// login token or a full caller number: request URLs are redacted by the serializer below, and
// code that logs a number logs maskedNumber(number).
import pino, { type Logger, type LoggerOptions } from 'pino';

/** 13800138000 → 138****8000; a short number keeps only its last two digits. */
export function maskedNumber(n: string | null | undefined): string | null {
  if (!n) return null;
  return n.length >= 8 ? `${n.slice(0, 3)}****${n.slice(-4)}` : `****${n.slice(-2)}`;
}

/**
 * A URL as it may be logged: the live feed's ?token= (browsers cannot send a WebSocket header)
 * becomes [redacted], and every run of 7 to 20 digits (a caller number in a path such as
 * /api/callers/:number/history, or ?caller=) is masked as the department view masks it.
 */
export function loggableUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]').replace(/(?<![0-9])[0-9]{7,20}(?![0-9])/g, (d) => maskedNumber(d)!);
}

const serializers: LoggerOptions['serializers'] = {
  req: (req: { method?: string; url?: string; ip?: string; socket?: { remoteAddress?: string } }) => ({
    method: req.method,
    url: loggableUrl(String(req.url ?? '')),
    remoteAddress: req.ip ?? req.socket?.remoteAddress,
  }),
};

/** `destination`: where the JSON lines go instead of stdout (the in-process test switchboard reads them). */
export function createLogger(level: string, pretty = process.stdout.isTTY === true, destination?: pino.DestinationStream): Logger {
  if (destination) return pino({ level, base: { service: 'cti' }, serializers }, destination);
  if (!pretty) return pino({ level, base: { service: 'cti' }, serializers });
  return pino({
    level,
    base: { service: 'cti' },
    serializers,
    transport: { target: 'pino-pretty', options: { translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid,hostname,service' } },
  });
}
