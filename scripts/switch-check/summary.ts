// The scenario-file mode of scripts/real-freeswitch-check.ts (before the scenarios of
// checks.ts existed, the whole script): the calls of a `cti sim` scenario file placed on a real
// FreeSWITCH, counted from its events, and a JSON summary with the fields of `cti sim`'s, to
// compare the two by eye. It asserts nothing.
//
// For each planned call:
//   bgapi originate {origination_uuid=U,origination_caller_id_number=<from>}loopback/<to>/public &park()
// The loopback "-a" leg (U) plays the citizen; its "-b" twin enters the public context as an
// inbound call and runs the generated dialplan (socket → the controller). Digits go in with
// uuid_send_dtmf on U (mod_loopback queues them on the -b leg): a string `dtmf` is pressed 0.5 s
// after play_and_get_digits or read starts on the -b leg, as the simulator does; a list is pressed
// at its times. hangup_after_s / patience_s end U with uuid_kill.
import { randomUUID } from 'node:crypto';
import { Connection, type EslConnection, type EslEvent } from './switch-link.js';
import { formatIssue } from '../../src/config/index.js';
import { loadScenario, planCalls, type PlannedCall } from '../../src/sim/scenario/index.js';

export interface SummaryOptions {
  host: string;
  port: number;
  password: string;
  maxDurationS: number;
  scenarioFile: string;
}

/** Runs the file's calls and prints the summary on stdout; the exit code (0, or 1 for a bad file). */
export async function runScenarioSummary(opts: SummaryOptions): Promise<number> {
  const loaded = await loadScenario(opts.scenarioFile);
  if (!loaded.ok) {
    for (const issue of loaded.issues) process.stderr.write(`${formatIssue(issue)}\n`);
    return 1;
  }
  const plan = planCalls(loaded.scenario);
  const { host, port, password, maxDurationS } = opts;
  const log = (s: string) => process.stderr.write(`${s}\n`);

  const conn = await new Promise<EslConnection>((resolve, reject) => {
    const c: EslConnection = new Connection(host, port, password, () => resolve(c));
    c.on('error', (e) => reject(e));
    c.on('esl::event::auth::fail', () => reject(new Error(`FreeSWITCH at ${host}:${port} refused the password`)));
  });
  // json: modesl url-decodes plain events without a guard (docs/esl-protocol.md §7, pitfall 3).
  await new Promise<void>((resolve) => conn.events('json', 'CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_EXECUTE CHANNEL_HANGUP_COMPLETE', resolve));
  const api = (command: string, args: string) => new Promise<string>((resolve) => conn.bgapi(command, args, (e) => resolve(e.getBody())));

  // ---------------------------------------------------------------- what happens to each call

  interface Call {
    plan: PlannedCall;
    uuid: string;
    bLeg?: string;
    answered: boolean;
    bridged: boolean;
    callerLeft: boolean;
    ended: boolean;
    pressed: boolean;
  }
  const calls = new Map<string, Call>(); // by the -a leg's uuid
  const byBLeg = new Map<string, Call>();
  const agents: Record<string, { offered: number; answered: number; not_answered: Record<string, number> }> = {};
  const hotlines: Record<
    string,
    { attempts: number; answered: number; answered_within_15s: number; cancelled: number; counted: number; rate: number | null; failed: Record<string, number> }
  > = {};
  const CANCEL_CAUSES = new Set(['ORIGINATOR_CANCEL', 'LOSE_RACE', 'NORMAL_CLEARING', 'MANAGER_REQUEST']);
  const v = (e: EslEvent, name: string) => e.getHeader(`variable_${name}`) ?? undefined;
  const bump = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);

  conn.on('esl::event::CHANNEL_CREATE::*', (e) => {
    // The -b leg carries other_loopback_leg_uuid = our -a leg (mod_loopback channel_on_init).
    const call = calls.get(v(e, 'other_loopback_leg_uuid') ?? '');
    const uuid = e.getHeader('Unique-ID');
    if (call && uuid && uuid !== call.uuid) {
      call.bLeg = uuid;
      byBLeg.set(uuid, call);
    }
  });
  conn.on('esl::event::CHANNEL_EXECUTE::*', (e) => {
    const call = byBLeg.get(e.getHeader('Unique-ID') ?? '');
    const app = e.getHeader('Application');
    if (!call?.plan.menuDigits || call.pressed || (app !== 'play_and_get_digits' && app !== 'read')) return;
    call.pressed = true;
    setTimeout(() => void api('uuid_send_dtmf', `${call.uuid} ${call.plan.menuDigits}`), 500);
  });
  conn.on('esl::event::CHANNEL_ANSWER::*', (e) => {
    const call = calls.get(e.getHeader('Unique-ID') ?? '');
    if (call) call.answered = true;
  });
  conn.on('esl::event::CHANNEL_BRIDGE::*', (e) => {
    const call = byBLeg.get(e.getHeader('Bridge-A-Unique-ID') ?? '') ?? byBLeg.get(e.getHeader('Bridge-B-Unique-ID') ?? '');
    if (call) call.bridged = true;
  });
  conn.on('esl::event::CHANNEL_HANGUP_COMPLETE::*', (e) => {
    const call = calls.get(e.getHeader('Unique-ID') ?? '');
    if (call) {
      call.ended = true;
      return;
    }
    if (e.getHeader('Call-Direction') !== 'outbound') return;
    const cause = e.getHeader('Hangup-Cause') ?? 'NONE';
    const start = Number(v(e, 'start_uepoch') ?? 0);
    const answer = Number(v(e, 'answer_uepoch') ?? 0);
    const agent = v(e, 'dialed_user');
    if (agent) {
      const a = (agents[agent] ??= { offered: 0, answered: 0, not_answered: {} });
      a.offered++;
      if (answer > 0) a.answered++;
      else bump(a.not_answered, cause);
    } else if (v(e, 'sip_gateway_name')) {
      const h = (hotlines[e.getHeader('Caller-Destination-Number') ?? '?'] ??= {
        attempts: 0,
        answered: 0,
        answered_within_15s: 0,
        cancelled: 0,
        counted: 0,
        rate: null,
        failed: {},
      });
      h.attempts++;
      if (answer > 0) {
        h.answered++;
        if (answer - start <= 15_000_000) h.answered_within_15s++;
      } else if (CANCEL_CAUSES.has(cause) && Number(v(e, 'end_uepoch') ?? 0) - start < 15_000_000) h.cancelled++;
      else bump(h.failed, cause);
    }
  });

  // ---------------------------------------------------------------- place the calls

  const started = Date.now();
  const timers: NodeJS.Timeout[] = [];
  const leave = (call: Call) => {
    if (call.ended) return;
    call.callerLeft = true;
    void api('uuid_kill', call.uuid);
  };
  for (const p of plan) {
    const wait = started + p.atS * 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const call: Call = { plan: p, uuid: randomUUID(), answered: false, bridged: false, callerLeft: false, ended: false, pressed: false };
    calls.set(call.uuid, call);
    const vars = [`origination_uuid=${call.uuid}`, `origination_caller_id_number=${p.from}`];
    if (p.diversion) vars.push(`sip_h_Diversion=<sip:${p.diversion}@127.0.0.1>;reason=unconditional`);
    if (p.gateway) vars.push(`sip_gateway=${p.gateway}`); // what the 110 route matches on (a call that came in on that gateway)
    void api('originate', `{${vars.join(',')}}loopback/${p.to}/public &park()`).then((reply) => {
      if (reply.startsWith('+OK')) return;
      log(`call ${p.index}: originate answered ${reply.trim()}`);
      call.ended = true; // the leg never came up (or is already gone)
    });
    for (const press of p.presses ?? []) timers.push(setTimeout(() => void api('uuid_send_dtmf', `${call.uuid} ${press.digits}`), press.at_s * 1000));
    if (p.hangupAfterS !== undefined) timers.push(setTimeout(() => leave(call), p.hangupAfterS * 1000));
    if (p.patienceS !== undefined) timers.push(setTimeout(() => !call.bridged && leave(call), p.patienceS * 1000));
    log(`call ${p.index}: ${p.from} → ${p.to} (${call.uuid})`);
  }

  // Wait for every call to end (bounded), then 5 s for the legs the controller dialled.
  while ([...calls.values()].some((c) => !c.ended) && Date.now() - started < maxDurationS * 1000) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 5000));
  for (const timer of timers) clearTimeout(timer);
  conn.disconnect();

  // ---------------------------------------------------------------- the summary (same shape as cti sim's)

  const total = { offered: 0, answered: 0, bridged: 0, abandoned: 0 };
  const byDestination: Record<string, typeof total> = {};
  for (const c of calls.values()) {
    if (!c.bLeg) continue; // never reached the public context (originate failed): not offered
    for (const bucket of [total, (byDestination[c.plan.to] ??= { offered: 0, answered: 0, bridged: 0, abandoned: 0 })]) {
      bucket.offered++;
      if (c.answered) bucket.answered++;
      if (c.bridged) bucket.bridged++;
      if (c.callerLeft && !c.bridged) bucket.abandoned++;
    }
  }
  for (const h of Object.values(hotlines)) {
    h.counted = h.attempts - h.cancelled;
    h.rate = h.counted > 0 ? h.answered_within_15s / h.counted : null;
  }
  process.stdout.write(
    `${JSON.stringify(
      {
        measured_by: {
          simulator: [
            `a real FreeSWITCH at ${host}:${port}, counted from its events by scripts/real-freeswitch-check.ts (agents and hotlines: legs that existed)`,
          ],
          controller: ['service_level_12345, tickets_created, agent login and transfer_to: ask the controller (GET /api/stats/service-level, /api/tickets)'],
        },
        calls: { planned: plan.length, ...total, by_destination: byDestination },
        service_level_12345: null,
        tickets_created: null,
        agents,
        hotlines,
        transfer_requests: plan
          .filter((c) => c.transferTo)
          .map((c) => ({ call: c.index, from: c.from, to: c.transferTo!, performed_by: 'controller' as const })),
        unfinished_channels: [...calls.values()].filter((c) => !c.ended).length,
      },
      null,
      2,
    )}\n`,
  );
  return 0;
}
