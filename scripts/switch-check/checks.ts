// The scenarios of the check, each with what must hold. A scenario places a citizen's call as a
// carrier would hand it over (a loopback leg into the public context), plays the agent desktop
// and the supervisor through the controller's HTTP API, and reads the outcome twice: from the
// controller's call record and from the switch's own events. The seats and departments at the
// far end are dialplan/cti_test.xml: seat 1001 declines, the other seats answer after 1 s,
// 95598 rings for ever, the other numbers answer after 1 s.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiClient, ControllerProcess } from './controller.js';
import { bridges, CheckFailed, type SeenEvent, type SwitchLink } from './switch-link.js';

/** Numbers the scenarios use; routing.yaml must route them as the shipped one does. */
export const NUMBERS = {
  centre: '12345',
  /** a parallel hotline open round the clock whose far end never answers (cti_test) */
  ringsOut: '95598',
  ringsOutDepartment: 'power-supply',
  /** hotlines open round the clock, one per kind of transfer */
  warm: '10086',
  blind: '10000',
  threeWay: '10010',
} as const;

export const DECLINING_SEAT = '1001';
export const ANSWERING_SEAT = '1002';

export interface CheckEnv {
  fs: SwitchLink;
  /** a supervisor (boss): reads call records, transfers and holds for the agent */
  boss: ApiClient;
  seats: SeatDesks;
  controller: ControllerProcess;
  /** the switch is src/sim/: no media, so no audio can be checked */
  simulator: boolean;
  /** where FreeSWITCH writes the hold check's recording, read back from here */
  recordingsDir: string;
  note(text: string): void;
  log(text: string): void;
}

export interface Check {
  name: string;
  /** what it shows, for the PASS/FAIL line */
  title: string;
  run(env: CheckEnv): Promise<string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- seats (the agent desktops)

/** Each seat's operator (op<seat>) logged in at its desktop, made ready or put on break per scenario. */
export class SeatDesks {
  private constructor(
    private readonly desks: Map<string, ApiClient>,
    private readonly boss: ApiClient,
  ) {}

  static async open(controller: ControllerProcess, boss: ApiClient, seats: string[]): Promise<SeatDesks> {
    const desks = new Map<string, ApiClient>();
    for (const seat of seats) {
      const desk = await controller.login(`op${seat}`);
      const r = await desk.post(`/api/agents/${seat}/login`);
      if (r.status !== 200) throw new Error(`seat ${seat} login: ${r.status} ${JSON.stringify(r.body)}`);
      desks.set(seat, desk);
    }
    return new SeatDesks(desks, boss);
  }

  async state(seat: string): Promise<string> {
    const r = await this.boss.get('/api/agents');
    return (r.body.items as Array<{ seat: string; state: string }>).find((a) => a.seat === seat)?.state ?? 'unknown';
  }

  /**
   * Every seat on break, then `ready` made ready in that order, so the first is the longest idle
   * (the ACD offers a call to the longest-idle agent first). Waits for calls to leave the seats.
   */
  async arrange(ready: string[]): Promise<void> {
    for (const [seat, desk] of this.desks) {
      const end = Date.now() + 20_000;
      let state = await this.state(seat);
      while (state === 'ringing' || state === 'on_call') {
        if (Date.now() > end) throw new CheckFailed(`seat ${seat} is still ${state} from an earlier call`);
        await sleep(100);
        state = await this.state(seat);
      }
      const r = await desk.post(`/api/agents/${seat}/break`, { reason: '检查 check' });
      if (r.status !== 200) throw new CheckFailed(`seat ${seat} break: ${r.status} ${JSON.stringify(r.body)}`);
    }
    for (const seat of ready) {
      const r = await this.desks.get(seat)!.post(`/api/agents/${seat}/ready`);
      if (r.status !== 200) throw new CheckFailed(`seat ${seat} ready: ${r.status} ${JSON.stringify(r.body)}`);
      await sleep(30); // idle since a later millisecond
    }
  }
}

// ---------------------------------------------------------------- a citizen's call

let callSeq = 0;
const RUN = String(Date.now() % 100_000).padStart(5, '0');

/**
 * The citizen: `originate {…}loopback/<to>/public &park()`. The -a leg is the citizen's phone
 * (parked: it only listens); its -b twin enters the public context as the inbound call the
 * controller gets. Digits go to the -a leg with uuid_send_dtmf and arrive on the -b leg.
 */
export class CitizenCall {
  readonly a = randomUUID();
  readonly from = `139${RUN}${String(++callSeq).padStart(3, '0')}`;
  readonly mark: number;
  readonly placedAt = Date.now();

  constructor(
    private readonly env: CheckEnv,
    readonly to: string,
    opts: { menu?: string } = {},
  ) {
    this.mark = env.fs.mark();
    const vars = [`origination_uuid=${this.a}`, `origination_caller_id_number=${this.from}`, `origination_caller_id_name=${this.from}`];
    void env.fs.api('originate', `{${vars.join(',')}}loopback/${to}/public &park()`).then((reply) => {
      if (!reply.startsWith('+OK')) env.log(`call ${this.from} → ${to}: originate answered ${reply.trim()}`);
    });
    if (opts.menu) void this.pressAtMenu(opts.menu);
    env.log(`call ${this.from} → ${to} (${this.a})`);
  }

  /** The -b leg: the channel the controller controls (other_loopback_leg_uuid names our -a leg). */
  async b(): Promise<string> {
    const e = await this.env.fs.waitFor(
      `-b leg of the call to ${this.to}`,
      (x) => x.name === 'CHANNEL_CREATE' && x.v('other_loopback_leg_uuid') === this.a && x.uuid !== this.a,
      10_000,
      this.mark,
    );
    return e.uuid;
  }

  /** Presses the digits 0.5 s after the menu starts on the -b leg. */
  private async pressAtMenu(digits: string): Promise<void> {
    try {
      const b = await this.b();
      await this.env.fs.waitFor(
        'the menu',
        (e) => e.uuid === b && e.name === 'CHANNEL_EXECUTE' && /^(play_and_get_digits|read)$/.test(e.get('Application') ?? ''),
        20_000,
        this.mark,
      );
      await sleep(500);
      const reply = await this.env.fs.api('uuid_send_dtmf', `${this.a} ${digits}`);
      if (!reply.startsWith('+OK')) this.env.log(`uuid_send_dtmf: ${reply.trim()}`);
    } catch (err) {
      this.env.log(`no menu to press ${digits} at: ${(err as Error).message}`);
    }
  }

  /** The controller's record of this call (GET /api/calls?caller=…). */
  async callId(): Promise<string> {
    const end = Date.now() + 15_000;
    for (;;) {
      const r = await this.env.boss.get(`/api/calls?caller=${this.from}&limit=1`);
      const id = r.body?.items?.[0]?.id as string | undefined;
      if (id) return id;
      if (Date.now() > end) throw new CheckFailed(`the controller has no record of the call from ${this.from}`);
      await sleep(100);
    }
  }

  hangup(): Promise<string> {
    return this.env.fs.api('uuid_kill', `${this.a} NORMAL_CLEARING`);
  }
}

/** Polls GET /api/calls/:id until `accept` holds; the reason names what was seen last. */
async function callRecord(env: CheckEnv, id: string, what: string, accept: (c: any) => boolean, timeoutMs: number, abort?: () => string | null): Promise<any> {
  const end = Date.now() + timeoutMs;
  let last: any = null;
  for (;;) {
    const why = abort?.();
    if (why) throw new CheckFailed(why);
    const r = await env.boss.get(`/api/calls/${id}`);
    if (r.status === 200) {
      last = r.body;
      if (accept(last)) return last;
    }
    if (Date.now() > end) throw new CheckFailed(`${what}: not within ${timeoutMs / 1000} s; the call record says ${summary(last)}`);
    await sleep(100);
  }
}

/** Polls GET /api/calls/:id/transfer (the desktop's view of the talk) until `accept` holds. */
async function talkView(env: CheckEnv, id: string, what: string, accept: (t: any) => boolean, timeoutMs: number): Promise<any> {
  const end = Date.now() + timeoutMs;
  let last: any = null;
  for (;;) {
    const r = await env.boss.get(`/api/calls/${id}/transfer`);
    if (r.status === 200) {
      last = r.body;
      if (accept(last)) return last;
    }
    if (Date.now() > end) throw new CheckFailed(`${what}: not within ${timeoutMs / 1000} s; the talk is ${JSON.stringify(last)}`);
    await sleep(100);
  }
}

function summary(c: any): string {
  if (!c) return 'nothing';
  const legs = (c.legs ?? []).map((l: any) => `${l.endpoint}${l.answered_at ? ' answered' : ''}${l.hangup_cause ? ` ${l.hangup_cause}` : ''}`);
  return JSON.stringify({ outcome: c.outcome, agent: c.agent, department: c.department, ended: c.ended_at !== null, legs });
}

const secondsSince = (t: number) => ((Date.now() - t) / 1000).toFixed(1);

/** The agent's answered leg to a seat, from the call record. */
function agentLeg(c: any, seat: string): any {
  return (c.legs ?? []).find((l: any) => l.kind === 'agent' && l.endpoint === `user/${seat}` && l.answered_at);
}

/** An agent (seat 1002) answered the citizen's call to 12345 (line 1). */
async function answeredCall(env: CheckEnv): Promise<{ call: CitizenCall; id: string; b: string; agent: string }> {
  await env.seats.arrange([ANSWERING_SEAT]);
  const call = new CitizenCall(env, NUMBERS.centre, { menu: '1' });
  const b = await call.b();
  const id = await call.callId();
  const c = await callRecord(env, id, `seat ${ANSWERING_SEAT} answers`, (x) => x.agent === ANSWERING_SEAT || x.ended_at !== null, 30_000);
  const leg = agentLeg(c, ANSWERING_SEAT);
  if (c.agent !== ANSWERING_SEAT || !leg) throw new CheckFailed(`seat ${ANSWERING_SEAT} did not get the call: ${summary(c)}`);
  await env.fs.waitFor('the bridge of caller and agent', (e) => bridges(e, b, leg.id), 5000, call.mark);
  return { call, id, b, agent: leg.id };
}

/**
 * The citizen hangs up; the call record closes, and every channel made for the call is gone
 * from the switch within 10 s (nothing is left ringing or parked).
 */
async function finish(env: CheckEnv, call: CitizenCall, id: string | null): Promise<any> {
  await call.hangup();
  const record = id ? await callRecord(env, id, 'the call record closes after the caller hung up', (c) => c.ended_at !== null, 15_000) : null;
  const made = () => env.fs.find((e) => e.name === 'CHANNEL_CREATE', call.mark).map((e) => e.uuid);
  const gone = () => new Set(env.fs.find((e) => e.name === 'CHANNEL_DESTROY', call.mark).map((e) => e.uuid));
  const end = Date.now() + 10_000;
  let left = made().filter((u) => !gone().has(u));
  while (left.length > 0 && Date.now() < end) {
    await sleep(100);
    left = made().filter((u) => !gone().has(u));
  }
  if (left.length > 0) {
    const names = left.map((u) => env.fs.find((e) => e.uuid === u && e.name === 'CHANNEL_CREATE', call.mark)[0]?.get('Channel-Name') ?? u);
    for (const u of left) await env.fs.api('uuid_kill', u); // leave a clean switch for the next scenario
    throw new CheckFailed(`channels still up 10 s after the caller hung up: ${names.join(', ')}`);
  }
  return record;
}

// ---------------------------------------------------------------- the scenarios

const agentDeclines: Check = {
  name: 'agent-declines',
  title: `seat ${DECLINING_SEAT} declines (CALL_REJECTED), seat ${ANSWERING_SEAT} answers the same caller`,
  async run(env) {
    await env.seats.arrange([DECLINING_SEAT, ANSWERING_SEAT]);
    const call = new CitizenCall(env, NUMBERS.centre, { menu: '1' });
    const b = await call.b();
    const id = await call.callId();
    const c = await callRecord(env, id, 'an agent answers', (x) => x.agent !== null || x.ended_at !== null, 30_000);
    if (c.agent !== ANSWERING_SEAT) throw new CheckFailed(`the caller was answered by ${c.agent ?? 'nobody'}, not seat ${ANSWERING_SEAT}: ${summary(c)}`);
    const declined = (c.legs ?? []).find((l: any) => l.kind === 'agent' && l.endpoint === `user/${DECLINING_SEAT}`);
    if (!declined) throw new CheckFailed(`seat ${DECLINING_SEAT} was never offered the call: ${summary(c)}`);
    if (declined.answered_at || declined.hangup_cause !== 'CALL_REJECTED')
      throw new CheckFailed(
        `seat ${DECLINING_SEAT}'s leg ended ${declined.hangup_cause}${declined.answered_at ? ' after an answer' : ''}, not CALL_REJECTED unanswered`,
      );
    const leg = agentLeg(c, ANSWERING_SEAT);
    const rejected = await env.fs.waitFor(
      `CHANNEL_HANGUP of seat ${DECLINING_SEAT}'s leg`,
      (e) => e.uuid === declined.id && e.name === 'CHANNEL_HANGUP',
      5000,
      call.mark,
    );
    if (rejected.get('Hangup-Cause') !== 'CALL_REJECTED')
      throw new CheckFailed(`the switch hung seat ${DECLINING_SEAT}'s leg up with ${rejected.get('Hangup-Cause')}`);
    await env.fs.waitFor(`the bridge of the caller and seat ${ANSWERING_SEAT}`, (e) => bridges(e, b, leg.id), 5000, call.mark);
    if (env.fs.find((e) => e.uuid === b && e.name === 'CHANNEL_HANGUP', call.mark).length > 0)
      throw new CheckFailed('the caller was hung up after the decline');
    const after = secondsSince(call.placedAt);
    const end = await finish(env, call, id);
    if (end.outcome !== 'answered' || end.agent !== ANSWERING_SEAT) throw new CheckFailed(`the call ended as ${summary(end)}`);
    return `seat ${DECLINING_SEAT}'s leg ended CALL_REJECTED, the caller stayed and was bridged to seat ${ANSWERING_SEAT} ${after} s after dialling; record: answered by ${end.agent}`;
  },
};

const departmentRingsOut: Check = {
  name: 'department-rings-out',
  title: `${NUMBERS.ringsOut} dialled directly rings out; an agent answers, the call tagged with the department, never transferred`,
  async run(env) {
    await env.seats.arrange([ANSWERING_SEAT]);
    const call = new CitizenCall(env, NUMBERS.ringsOut);
    const b = await call.b();
    const id = await call.callId();
    // the department's leg as the switch shows it: answered means the caller was put through
    // (mod_sofia sets sip_gateway_name on a leg it places through a gateway)
    const deptAnswered = () =>
      env.fs.find(
        (e) => e.name === 'CHANNEL_ANSWER' && e.v('sip_gateway_name') !== undefined && e.get('Caller-Destination-Number') === NUMBERS.ringsOut,
        call.mark,
      )[0];
    const c = await callRecord(
      env,
      id,
      'an agent answers after the department rang out',
      (x) => x.agent !== null || x.ended_at !== null || x.outcome === 'transferred',
      60_000,
      () =>
        deptAnswered()
          ? `the department answered (${NUMBERS.ringsOut} through gateway ${deptAnswered()!.v('sip_gateway_name')}): the caller was put through to it, not to an agent`
          : null,
    );
    if (c.outcome === 'transferred') throw new CheckFailed(`the call was put through to the department: ${summary(c)}`);
    const dept = (c.legs ?? []).find((l: any) => l.kind === 'department');
    if (!dept) throw new CheckFailed(`the department was never rung: ${summary(c)}`);
    if (dept.answered_at) throw new CheckFailed(`the department's leg was answered: ${summary(c)}`);
    if (c.agent !== ANSWERING_SEAT) throw new CheckFailed(`no agent took the call after the department: ${summary(c)}`);
    if (c.department !== NUMBERS.ringsOutDepartment)
      throw new CheckFailed(`the call is tagged with department ${c.department}, not ${NUMBERS.ringsOutDepartment}`);
    const rang = env.fs.find((e) => e.uuid === dept.id && (e.name === 'CHANNEL_PROGRESS' || e.name === 'CHANNEL_PROGRESS_MEDIA'), call.mark).length > 0;
    if (!rang) throw new CheckFailed(`the switch never saw the department's leg ring (${dept.endpoint})`);
    const leg = agentLeg(c, ANSWERING_SEAT);
    await env.fs.waitFor('the bridge of the caller and the agent', (e) => bridges(e, b, leg.id), 5000, call.mark);
    const after = secondsSince(call.placedAt);
    const end = await finish(env, call, id);
    if (end.outcome !== 'answered' || end.department !== NUMBERS.ringsOutDepartment) throw new CheckFailed(`the call ended as ${summary(end)}`);
    return `${dept.endpoint} rang, ended ${dept.hangup_cause} unanswered; seat ${end.agent} answered ${after} s after dialling; record: ${end.outcome}, department ${end.department}`;
  },
};

const holdMusic: Check = {
  name: 'hold-music',
  title: 'hold parks the agent and the caller hears the hold music; resume joins them again',
  async run(env) {
    const { call, id, b, agent } = await answeredCall(env);
    const mark = env.fs.mark();
    const held = await env.boss.post(`/api/calls/${id}/hold`);
    if (held.status !== 200 || held.body.phase !== 'held') throw new CheckFailed(`hold: ${held.status} ${JSON.stringify(held.body)}`);
    await env.fs.waitFor("CHANNEL_PARK of the agent's leg", (e) => e.uuid === agent && e.name === 'CHANNEL_PARK', 5000, mark);
    await env.fs.waitFor(
      'the end of the caller–agent bridge',
      (e) => e.name === 'CHANNEL_UNBRIDGE' && [e.get('Bridge-A-Unique-ID'), e.get('Bridge-B-Unique-ID')].includes(b),
      5000,
      mark,
    );
    const music = await holdMusicPlaying(env, b, call.mark);
    if (env.fs.find((e) => e.name === 'CHANNEL_HOLD', mark).length > 0)
      throw new CheckFailed('uuid_hold was used (CHANNEL_HOLD): the caller may hear nothing on FreeSWITCH 1.10.7 and later');
    const audio = await recordCallerSide(env, call);
    const resumed = await env.boss.post(`/api/calls/${id}/resume`);
    if (resumed.status !== 200 || resumed.body.phase !== 'talking') throw new CheckFailed(`resume: ${resumed.status} ${JSON.stringify(resumed.body)}`);
    await env.fs.waitFor('the caller and the agent bridged again', (e) => bridges(e, b, agent), 5000, mark);
    await finish(env, call, id);
    return `agent's leg parked, the caller's leg plays ${music}; ${audio}; resumed into one bridge again`;
  },
};

/**
 * Whether the hold music is what the caller's leg plays now: its last PLAYBACK_START names
 * cti/hold-music.wav and no PLAYBACK_STOP of it followed. (The controller plays the music in
 * passes it stops with uuid_break and starts again, so a pass may still be running from before
 * the hold; a new PLAYBACK_START then comes only when that pass ends.)
 */
async function holdMusicPlaying(env: CheckEnv, b: string, from: number): Promise<string> {
  const end = Date.now() + 5000;
  for (;;) {
    const plays = env.fs.find((e) => e.uuid === b && (e.name === 'PLAYBACK_START' || e.name === 'PLAYBACK_STOP'), from);
    const last = plays[plays.length - 1];
    const path = last?.get('Playback-File-Path') ?? '';
    if (last?.name === 'PLAYBACK_START' && /\/cti\/hold-music\.wav$/.test(path)) return path;
    if (Date.now() > end) throw new CheckFailed(`the caller's leg is not playing cti/hold-music.wav (last: ${last ? `${last.name} ${path}` : 'no playback'})`);
    await sleep(50);
  }
}

/**
 * What the citizen hears on hold, recorded on the -a leg: its read side only, which is what the
 * -b leg (the caller under our controller) is sent. On a real switch the file is read back and
 * must not be silent; the simulator has no media, so only RECORD_START and RECORD_STOP are there.
 */
async function recordCallerSide(env: CheckEnv, call: CitizenCall): Promise<string> {
  const path = join(env.recordingsDir, `cti-check-hold-${call.a}.wav`);
  const mark = env.fs.mark();
  // only the read side, what the citizen is sent (switch_ivr_record_session_event: RECORD_READ_ONLY)
  await env.fs.api('uuid_setvar', `${call.a} RECORD_READ_ONLY true`);
  const started = await env.fs.api('uuid_record', `${call.a} start ${path}`);
  if (!started.startsWith('+OK')) throw new CheckFailed(`uuid_record start: ${started.trim()}`);
  await sleep(3000);
  const stopped = await env.fs.api('uuid_record', `${call.a} stop ${path}`);
  if (!stopped.startsWith('+OK')) throw new CheckFailed(`uuid_record stop: ${stopped.trim()}`);
  await env.fs.waitFor("RECORD_STOP of the citizen's leg", (e) => e.uuid === call.a && e.name === 'RECORD_STOP', 5000, mark);
  if (env.simulator) {
    env.note(
      'hold-music: the simulator has no audio, so the recording of the caller side is not checked (only RECORD_START/STOP and the playback events); on a real switch the recorded level must be above -45 dBFS',
    );
    return 'audio not checked (simulator)';
  }
  await sleep(300);
  if (!existsSync(path))
    throw new CheckFailed(`no recording at ${path}: run the check on the FreeSWITCH box, or give --recordings-dir a folder both can reach`);
  const level = wavLevel(readFileSync(path));
  rmSync(path, { force: true });
  if (level.seconds < 1) throw new CheckFailed(`the recording holds only ${level.seconds.toFixed(1)} s`);
  if (level.rmsDbfs < -45) throw new CheckFailed(`the caller hears silence on hold: ${level.rmsDbfs.toFixed(1)} dBFS over ${level.seconds.toFixed(1)} s`);
  return `recorded ${level.seconds.toFixed(1)} s of the caller side at ${level.rmsDbfs.toFixed(1)} dBFS (peak ${level.peakDbfs.toFixed(1)} dBFS)`;
}

/** RMS and peak of a 16-bit PCM WAV (what mod_sndfile writes for .wav), in dB of full scale. */
export function wavLevel(wav: Buffer): { seconds: number; rmsDbfs: number; peakDbfs: number } {
  if (wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') throw new CheckFailed('the recording is not a WAV file');
  let offset = 12;
  let fmt: { format: number; channels: number; rate: number; bits: number } | null = null;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ')
      fmt = { format: wav.readUInt16LE(body), channels: wav.readUInt16LE(body + 2), rate: wav.readUInt32LE(body + 4), bits: wav.readUInt16LE(body + 14) };
    if (id === 'data') {
      if (fmt?.format !== 1 || fmt.bits !== 16) throw new CheckFailed(`the recording is not 16-bit PCM (${JSON.stringify(fmt)})`);
      const end = Math.min(wav.length, body + size) & ~1;
      let sum = 0;
      let peak = 0;
      const n = (end - body) / 2;
      for (let i = body; i < end; i += 2) {
        const s = wav.readInt16LE(i);
        sum += s * s;
        peak = Math.max(peak, Math.abs(s));
      }
      const db = (x: number) => (x > 0 ? 20 * Math.log10(x / 32768) : -Infinity);
      return { seconds: n / fmt.channels / fmt.rate, rmsDbfs: db(Math.sqrt(sum / Math.max(1, n))), peakDbfs: db(peak) };
    }
    offset = body + size + (size % 2);
  }
  throw new CheckFailed('the recording has no data chunk');
}

/** The one-key transfer of the answered caller to `hotline` as `kind`; the attempt as the API returned it. */
async function startTransfer(env: CheckEnv, id: string, hotline: string, kind: string): Promise<any> {
  const r = await env.boss.post(`/api/calls/${id}/transfer`, { hotline, kind });
  if (r.status !== 202) throw new CheckFailed(`POST /api/calls/${id}/transfer ${kind} ${hotline}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.attempt;
}

/** After the caller hung up: the record shows the call put through to the hotline's department. */
function expectTransferred(end: any, hotline: string, kind: string): any {
  const attempt = (end.transfer_attempts ?? []).find((a: any) => a.hotline === hotline);
  if (!attempt) throw new CheckFailed(`no transfer attempt to ${hotline} on the record`);
  if (attempt.kind !== kind || attempt.result !== 'answered' || !attempt.answered_at) throw new CheckFailed(`the attempt is ${JSON.stringify(attempt)}`);
  if (end.outcome !== 'transferred') throw new CheckFailed(`the call ended as ${summary(end)}, not transferred`);
  return attempt;
}

const warmTransfer: Check = {
  name: 'warm-transfer',
  title: `warm transfer to ${NUMBERS.warm}: the agent consults, completes, the caller talks to the department`,
  async run(env) {
    const { call, id, b, agent } = await answeredCall(env);
    const mark = env.fs.mark();
    const attempt = await startTransfer(env, id, NUMBERS.warm, 'warm');
    await talkView(
      env,
      id,
      'the consult (the department answered)',
      (t) => t.phase === 'consulting' || t.phase === 'talking' || t.phase === 'over',
      30_000,
    ).then((t) => {
      if (t.phase !== 'consulting') throw new CheckFailed(`the transfer went ${t.phase}: ${JSON.stringify(t.attempt)}`);
    });
    await env.fs.waitFor('the agent bridged to the department', (e) => bridges(e, agent, attempt.leg_id), 5000, mark);
    const done = await env.boss.post(`/api/calls/${id}/transfer/complete`);
    if (done.status !== 200) throw new CheckFailed(`complete: ${done.status} ${JSON.stringify(done.body)}`);
    await talkView(env, id, 'the handover', (t) => t.phase === 'handed_over' || t.phase === 'over', 10_000);
    await env.fs.waitFor('the caller bridged to the department', (e) => bridges(e, b, attempt.leg_id), 5000, mark);
    await env.fs.waitFor("the agent's leg hung up", (e) => e.uuid === agent && e.name === 'CHANNEL_HANGUP', 5000, mark);
    const end = await finish(env, call, id);
    expectTransferred(end, NUMBERS.warm, 'warm');
    return `agent consulted ${NUMBERS.warm}, completed; the caller was bridged to the department's leg and the agent freed; record: ${end.outcome}, ${end.department}`;
  },
};

const blindTransfer: Check = {
  name: 'blind-transfer',
  title: `blind transfer to ${NUMBERS.blind}: the caller is put through when the department answers`,
  async run(env) {
    const { call, id, b, agent } = await answeredCall(env);
    const mark = env.fs.mark();
    const attempt = await startTransfer(env, id, NUMBERS.blind, 'blind');
    const t = await talkView(env, id, 'the handover', (x) => x.phase === 'handed_over' || x.phase === 'talking' || x.phase === 'over', 30_000);
    if (t.phase !== 'handed_over') throw new CheckFailed(`the transfer went ${t.phase}: ${JSON.stringify(t.attempt)}`);
    if (env.fs.find((e) => bridges(e, agent, attempt.leg_id), mark).length > 0)
      throw new CheckFailed('the agent was bridged to the department (a consult, not a blind transfer)');
    await env.fs.waitFor('the caller bridged to the department', (e) => bridges(e, b, attempt.leg_id), 5000, mark);
    await env.fs.waitFor("the agent's leg hung up", (e) => e.uuid === agent && e.name === 'CHANNEL_HANGUP', 5000, mark);
    const end = await finish(env, call, id);
    expectTransferred(end, NUMBERS.blind, 'blind');
    return `the caller was bridged to ${NUMBERS.blind}'s leg when it answered, the agent freed without a consult; record: ${end.outcome}, ${end.department}`;
  },
};

const threeWay: Check = {
  name: 'three-way',
  title: `three-way call with ${NUMBERS.threeWay}: caller, agent and department in one conference; the agent leaves, the others talk on`,
  async run(env) {
    const { call, id, b, agent } = await answeredCall(env);
    const mark = env.fs.mark();
    const attempt = await startTransfer(env, id, NUMBERS.threeWay, 'three_way');
    const t = await talkView(env, id, 'the three-way call', (x) => x.phase === 'three_way' || x.phase === 'talking' || x.phase === 'over', 30_000);
    if (t.phase !== 'three_way') throw new CheckFailed(`the transfer went ${t.phase}: ${JSON.stringify(t.attempt)}`);
    const joined = (uuid: string) =>
      env.fs.waitFor(`add-member of ${uuid}`, (e) => e.name === 'CUSTOM' && e.get('Action') === 'add-member' && e.uuid === uuid, 5000, mark);
    const members = await Promise.all([joined(b), joined(agent), joined(attempt.leg_id)]);
    const rooms = new Set(members.map((e) => e.get('Conference-Name')));
    if (rooms.size !== 1) throw new CheckFailed(`the three legs joined different conferences: ${[...rooms].join(', ')}`);
    // the agent hangs up the softphone: caller and department stay together
    await env.fs.api('uuid_kill', `${agent} NORMAL_CLEARING`);
    await sleep(1000);
    for (const [who, uuid] of [
      ['caller', b],
      ['department', attempt.leg_id],
    ] as const) {
      if (env.fs.find((e) => e.uuid === uuid && e.name === 'CHANNEL_HANGUP', mark).length > 0)
        throw new CheckFailed(`the ${who} was hung up when the agent left the three-way call`);
    }
    const end = await finish(env, call, id);
    expectTransferred(end, NUMBERS.threeWay, 'three_way');
    return `caller, agent and ${NUMBERS.threeWay} joined conference ${[...rooms][0]}; after the agent left the other two stayed 1 s (then the caller hung up); record: ${end.outcome}, ${end.department}`;
  },
};

const controllerDiesBeforeConnect: Check = {
  name: 'controller-dies-before-connect',
  title: 'the controller is killed after FreeSWITCH connected and before `connect`: the caller reaches cti_fallback and a seat',
  async run(env) {
    // Frozen, the controller's kernel still accepts FreeSWITCH's connection; killed, it resets it
    // before any `connect` was read. mod_event_socket's listener then ends, socket_resume sends the
    // channel on to the next action, `transfer cti_fallback`.
    env.controller.freeze();
    const call = new CitizenCall(env, NUMBERS.centre);
    const b = await call.b();
    await env.fs.waitFor('the socket application', (e) => e.uuid === b && e.name === 'CHANNEL_EXECUTE' && e.get('Application') === 'socket', 10_000, call.mark);
    await sleep(500);
    const toFallback = (e: SeenEvent) =>
      e.uuid === b && e.name === 'CHANNEL_EXECUTE' && e.get('Application') === 'transfer' && /^cti_fallback\b/.test(e.get('Application-Data') ?? '');
    if (env.fs.find(toFallback, call.mark).length > 0)
      throw new CheckFailed('the call went to cti_fallback before the controller was killed (the connection was refused, not reset)');
    if (env.fs.find((e) => e.uuid === b && e.name === 'CHANNEL_HANGUP', call.mark).length > 0)
      throw new CheckFailed('the caller was hung up while the controller was frozen');
    const killedAt = Date.now();
    await env.controller.kill();
    await env.fs.waitFor('the transfer to cti_fallback', toFallback, 30_000, call.mark);
    const inFallback = await env.fs.waitFor(
      'the fallback answering the caller',
      (e) => e.uuid === b && e.name === 'CHANNEL_EXECUTE' && e.get('Application') === 'answer' && e.get('Caller-Destination-Number') === 'cti_fallback',
      10_000,
      call.mark,
    );
    const reached = (Math.max(0, inFallback.at - killedAt) / 1000).toFixed(1);
    await env.fs.waitFor('the citizen answered', (e) => e.uuid === call.a && e.name === 'CHANNEL_ANSWER', 5000, call.mark);
    const bridged = await env.fs.waitFor(
      'the caller bridged to a seat',
      (e) => e.name === 'CHANNEL_BRIDGE' && e.get('Bridge-A-Unique-ID') === b,
      20_000,
      call.mark,
    );
    const seat = bridged.get('Other-Leg-Channel-Name') ?? bridged.get('Bridge-B-Unique-ID');
    await finish(env, call, null);
    return `cti_fallback answered ${reached} s after the kill and rang the seats; the caller was bridged to ${seat}`;
  },
};

/** In the order they run; the last one kills the controller. */
export const CHECKS: Check[] = [agentDeclines, departmentRingsOut, holdMusic, warmTransfer, blindTransfer, threeWay, controllerDiesBeforeConnect];

export type { SeenEvent };
