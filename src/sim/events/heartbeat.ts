// HEARTBEAT, fired by the core every event-heartbeat-interval seconds (default 20) and once at
// start-up (src/switch_core.c send_heartbeat ~88, scheduled ~1987).

import type { SimEvent } from '../contracts.js';
import type { EventFactory } from './event-factory.js';

export const HEARTBEAT_INTERVAL_MS = 20_000;

export interface HeartbeatFigures {
  /** µs since the switch started (switch_core_uptime) */
  uptimeUs: number;
  /** switch_version_full(), e.g. "1.10.12-release~64bit" */
  version?: string;
  sessionCount: number;
  maxSessions?: number;
  sessionsPerSec?: number;
  sessionsPerSecLast?: number;
  sessionsPerSecMax?: number;
  sessionsPerSecFiveMin?: number;
  sessionsSinceStartup: number;
  sessionPeakMax?: number;
  sessionPeakFiveMin?: number;
  /** percent, printed with %f */
  idleCpu?: number;
}

function unit(count: number, name: string): string {
  return `${count} ${name}${count === 1 ? '' : 's'}`;
}

/** Up-Time as switch_core_measure_time splits it (years of 365 days). */
export function upTimeText(uptimeUs: number): string {
  const us = Math.max(0, Math.trunc(uptimeUs));
  const ms = Math.trunc(us / 1000);
  const seconds = Math.trunc(ms / 1000);
  const minutes = Math.trunc(seconds / 60);
  const hours = Math.trunc(minutes / 60);
  const days = Math.trunc(hours / 24);
  return [
    unit(Math.trunc(days / 365), 'year'),
    unit(days % 365, 'day'),
    unit(hours % 24, 'hour'),
    unit(minutes % 60, 'minute'),
    unit(seconds % 60, 'second'),
    unit(ms % 1000, 'millisecond'),
    unit(us % 1000, 'microsecond'),
  ].join(', ');
}

export function heartbeatEvent(factory: EventFactory, figures: HeartbeatFigures): SimEvent {
  const n = (value: number | undefined): string => String(Math.trunc(value ?? 0));
  return factory
    .create('HEARTBEAT')
    .add('Event-Info', 'System Ready')
    .add('Up-Time', upTimeText(figures.uptimeUs))
    .add('FreeSWITCH-Version', figures.version ?? '1.10.12-release~64bit')
    .add('Uptime-msec', n(figures.uptimeUs / 1000))
    .add('Session-Count', n(figures.sessionCount))
    .add('Max-Sessions', n(figures.maxSessions ?? 1000))
    .add('Session-Per-Sec', n(figures.sessionsPerSec))
    .add('Session-Per-Sec-Last', n(figures.sessionsPerSecLast))
    .add('Session-Per-Sec-Max', n(figures.sessionsPerSecMax))
    .add('Session-Per-Sec-FiveMin', n(figures.sessionsPerSecFiveMin))
    .add('Session-Since-Startup', n(figures.sessionsSinceStartup))
    .add('Session-Peak-Max', n(figures.sessionPeakMax))
    .add('Session-Peak-FiveMin', n(figures.sessionPeakFiveMin))
    .add('Idle-CPU', (figures.idleCpu ?? 100).toFixed(6))
    .build();
}

/**
 * Publishes a HEARTBEAT now and then every `intervalMs` (real time), as the core scheduler does.
 * Returns the function that stops it.
 */
export function scheduleHeartbeats(
  publish: (event: SimEvent) => void,
  factory: EventFactory,
  figures: () => HeartbeatFigures,
  intervalMs: number = HEARTBEAT_INTERVAL_MS,
): () => void {
  const beat = (): void => publish(heartbeatEvent(factory, figures()));
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
