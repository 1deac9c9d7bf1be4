// Rules that span fields of a schema-valid file. Each returns issues pointing at the field
// an admin has to change.
import type { SourceMap, ConfigIssue, PathSegment } from './issues.js';
import type { CalendarFile, RoutingFile } from './schema.js';

const modes = ['direct', 'parallel', 'emergency', 'linkage'] as const;
const idPattern = /^[a-z][a-z0-9-]*$/;

export function routingRules(r: RoutingFile, src: SourceMap): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (path: PathSegment[], message: string) => issues.push(src.issue(path, message));

  checkKeys(Object.keys(r.schedules), ['schedules'], at);
  checkKeys(Object.keys(r.gateways), ['gateways'], at);
  for (const [name, s] of Object.entries(r.schedules)) checkPeriods(s.periods, ['schedules', name, 'periods'], at);

  const schedules = new Set(Object.keys(r.schedules));
  const gateways = new Set(Object.keys(r.gateways));
  const needSchedule = (name: string, path: PathSegment[]) =>
    schedules.has(name) || at(path, `schedule "${name}" is not defined under schedules (defined: ${[...schedules].join(', ')})`);
  const needGateway = (name: string, path: PathSegment[]) =>
    gateways.has(name) || at(path, `gateway "${name}" is not declared under gateways (declared: ${[...gateways].join(', ')})`);

  needSchedule(r.centre.hours, ['centre', 'hours']);
  checkIvr(r, at);
  r.police_diversion.gateways.forEach((g, i) => needGateway(g, ['police_diversion', 'gateways', i]));
  (r.police_diversion.networks ?? []).forEach((n, i) => checkNetwork(n, ['police_diversion', 'networks', i], at));

  const departments = firstIndex(r.departments.map((d) => d.id));
  r.departments.forEach((d, i) => {
    if (departments.get(d.id) !== i) at(['departments', i, 'id'], `department "${d.id}" is defined twice (first at departments[${departments.get(d.id)}])`);
  });
  const needDepartment = (id: string, path: PathSegment[]) => departments.has(id) || at(path, `department "${id}" is not defined under departments`);

  checkNumbers(r, at);
  checkAlert(r, at);
  for (const mode of modes) {
    r[mode].forEach((h, i) => {
      if ('department' in h) needDepartment(h.department, [mode, i, 'department']);
      if ('hours' in h) needSchedule(h.hours, [mode, i, 'hours']);
      if ('transfer' in h) needGateway(h.transfer.gateway, [mode, i, 'transfer', 'gateway']);
    });
  }
  return issues;
}

type At = (path: PathSegment[], message: string) => unknown;

function checkKeys(keys: string[], path: PathSegment[], at: At): void {
  for (const k of keys) if (!idPattern.test(k)) at([...path, k], `name "${k}" must be lower-case letters, digits and dashes`);
}

export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

function checkPeriods(periods: string[], path: PathSegment[], at: At): void {
  let lastEnd = -1;
  periods.forEach((p, i) => {
    const [start, end] = p.split('-').map(minutesOf) as [number, number];
    if (end <= start) at([...path, i], `period "${p}" ends before it starts`);
    else if (start < lastEnd) at([...path, i], `period "${p}" overlaps or precedes the one before it; list periods in order`);
    lastEnd = Math.max(lastEnd, end);
  });
}

function checkIvr(r: RoutingFile, at: At): void {
  const lines = r.ivr.lines;
  if (!(r.ivr.default_line in lines)) at(['ivr', 'default_line'], `line "${r.ivr.default_line}" is not one of the lines (${Object.keys(lines).join(', ')})`);
  const skills = new Set(r.seats.flatMap((s) => s.skills));
  for (const [digit, line] of Object.entries(lines)) {
    if (!skills.has(line.queue))
      at(['ivr', 'lines', digit, 'queue'], `no seat has the skill "${line.queue}", so calls on line ${digit} would never be answered`);
  }
  const queues = new Set(Object.values(lines).map((l) => l.queue));
  const seats = firstIndex(r.seats.map((s) => s.id));
  r.seats.forEach((s, i) => {
    if (seats.get(s.id) !== i) at(['seats', i, 'id'], `seat "${s.id}" is defined twice (first at seats[${seats.get(s.id)}])`);
    s.skills.forEach((k, j) => queues.has(k) || at(['seats', i, 'skills', j], `skill "${k}" is not the queue of any IVR line (${[...queues].join(', ')})`));
  });
}

/** A close threshold above 100% could never be reached: the alert would close only when quiet. */
function checkAlert(r: RoutingFile, at: At): void {
  const margin = r.transfer.alert?.close_margin;
  if (margin !== undefined && r.transfer.target_rate + margin > 1) {
    at(
      ['transfer', 'alert', 'close_margin'],
      `target_rate ${r.transfer.target_rate} + close_margin ${margin} is above 1: the alert could never close on the rate; use at most ${+(1 - r.transfer.target_rate).toFixed(6)}`,
    );
  }
}

function checkNumbers(r: RoutingFile, at: At): void {
  const seen = new Map<string, { mode: string; index: number }>();
  for (const mode of modes) {
    r[mode].forEach((h, i) => {
      const first = seen.get(h.number);
      if (h.number === r.centre.number) at([mode, i, 'number'], `${h.number} is the centre's own number`);
      else if (!first) seen.set(h.number, { mode, index: i });
      else if (first.mode === mode) at([mode, i, 'number'], `duplicate number ${h.number} (first at ${mode}[${first.index}])`);
      else at([mode, i, 'number'], `number ${h.number} is in two modes: ${first.mode}[${first.index}] and ${mode}[${i}]; a number has one mode`);
    });
  }
}

/**
 * An address or network FreeSWITCH's network_addr can be matched against: octets as inet_ntop
 * writes them (0-255, no leading zero), a prefix of /8 to /32 (a shorter one would take in
 * whole carriers), and no bits set past the prefix.
 */
function checkNetwork(network: string, path: PathSegment[], at: At): void {
  const [address = '', prefix] = network.split('/');
  const octets = address.split('.');
  if (octets.some((o) => Number(o) > 255 || (o.length > 1 && o.startsWith('0')))) {
    at(path, `"${network}" is not an IPv4 address: each part is 0-255, written without leading zeros`);
    return;
  }
  const bits = prefix === undefined ? 32 : Number(prefix);
  if (bits < 8 || bits > 32) {
    at(path, `"${network}": the prefix length must be 8 to 32`);
    return;
  }
  const value = octets.reduce((v, o) => v * 256 + Number(o), 0);
  const size = 2 ** (32 - bits);
  if (value % size !== 0) {
    const base = value - (value % size);
    const dotted = [24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join('.');
    at(path, `"${network}" has bits set after the /${bits} prefix; the network is ${dotted}/${bits}`);
  }
}

function firstIndex(ids: string[]): Map<string, number> {
  const m = new Map<string, number>();
  ids.forEach((id, i) => m.has(id) || m.set(id, i));
  return m;
}

export function calendarRules(c: CalendarFile, src: SourceMap): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (path: PathSegment[], message: string) => issues.push(src.issue(path, message));
  for (const [year, data] of Object.entries(c.years)) {
    for (const field of ['holidays', 'makeup_workdays'] as const) {
      data[field].forEach((d, i) => {
        const path = ['years', year, field, i];
        if (!realDate(d)) at(path, `${d} is not a date in the calendar`);
        else if (d.slice(0, 4) !== year) at(path, `${d} is not in year ${year}`);
        else if (field === 'makeup_workdays' && !weekend(d)) at(path, `${d} is a weekday; make-up working days (调休) are weekend days`);
      });
    }
  }
  const seen = new Map<string, number>();
  c.dates.forEach((d, i) => {
    if (!realDate(d.date)) at(['dates', i, 'date'], `${d.date} is not a date in the calendar`);
    else if (seen.has(d.date)) at(['dates', i, 'date'], `${d.date} is listed twice (first at dates[${seen.get(d.date)}])`);
    seen.set(d.date, i);
  });
  return issues;
}

function realDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function weekend(s: string): boolean {
  const day = new Date(`${s}T00:00:00Z`).getUTCDay();
  return day === 0 || day === 6;
}
