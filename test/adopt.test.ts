// Adoption after a restart (src/call/adopt.ts), against `show channels` / `show calls` rows and
// inbound events as FreeSWITCH writes them: how an adopted call is tagged, and how a talk that
// outlived the controller ends (its seat freed when the agent's leg ends, the survey FreeSWITCH
// asked afterwards read from the caller's CHANNEL_HANGUP_COMPLETE).
import t from 'tap';
import pino from 'pino';
import { loadConfig, type RoutingPlan } from '../src/config/index.js';
import { CallDistributor } from '../src/acd/index.js';
import { openDatabase } from '../src/store/index.js';
import { schema } from '../src/schema.js';
import { EslEvent } from '../src/esl/index.js';
import { CallRecords } from '../src/call/index.js';
import { CallAdoption } from '../src/call/adopt.js';
import { projectDir } from './support/config-dir.js';
import { join } from 'node:path';

async function shippedPlan(): Promise<RoutingPlan> {
  const r = await loadConfig(join(projectDir, 'config'), {});
  if (!r.ok) throw new Error('the shipped config does not load');
  return r.config.routing;
}

function setup(plan: RoutingPlan) {
  const db = openDatabase(':memory:', schema);
  const records = new CallRecords(db);
  const acd = new CallDistributor({ seats: plan.seats, wrapUpS: 60, averageHandleS: 120, now: () => Date.now() });
  const adoption = new CallAdoption(
    records,
    acd,
    () => plan,
    pino({ level: 'silent' }),
    () => undefined,
  );
  return { db, records, acd, adoption };
}

/** The inbound link as adoption uses it, answering `show channels` and `show calls` with these rows. */
function link(channels: object[], calls: object[] = []) {
  return {
    async api(command: string) {
      const rows = command.startsWith('show calls') ? calls : channels;
      return rows.length ? JSON.stringify({ row_count: rows.length, rows }) : '{"row_count": 0}\n';
    },
    async followCallers() {},
  };
}

const row = (uuid: string, over: Record<string, string>) => ({
  uuid,
  direction: 'inbound',
  created_epoch: String(Math.floor(Date.now() / 1000)),
  cid_num: '13800138000',
  dest: 'cti_fallback',
  initial_dest: '12345',
  context: 'public',
  ip_addr: '10.10.10.1',
  initial_ip_addr: '10.10.10.1',
  ...over,
});

t.test("a call diverted from 110 by its source address is adopted as 110's, as the dialplan routed it", async (t) => {
  const plan = await shippedPlan();
  t.same(plan.policeDiversion.networks, ['10.20.30.0/24'], 'the shipped police_diversion.networks');
  const { records, adoption } = setup(plan);
  await adoption.run(
    link([
      row('from-police', { ip_addr: '10.20.30.1', initial_ip_addr: '10.20.30.1' }),
      row('from-police-no-initial', { ip_addr: '10.20.30.254', initial_ip_addr: '' }),
      row('from-carrier', {}),
      row('next-door', { ip_addr: '10.20.31.1', initial_ip_addr: '10.20.31.1' }),
      row('first-address-counts', { ip_addr: '10.20.30.9', initial_ip_addr: '10.10.10.1' }),
    ]),
    new Set(),
  );
  const tagged = (id: string) => {
    const r = records.get(id)!;
    return { mode: r.mode, origin_hotline: r.origin_hotline };
  };
  t.same(tagged('from-police'), { mode: 'emergency', origin_hotline: '110' }, 'initial_ip_addr in 10.20.30.0/24');
  t.same(tagged('from-police-no-initial'), { mode: 'emergency', origin_hotline: '110' }, 'ip_addr when initial_ip_addr is empty');
  t.same(tagged('from-carrier'), { mode: 'main', origin_hotline: null });
  t.same(tagged('next-door'), { mode: 'main', origin_hotline: null }, 'an address outside the network');
  t.same(tagged('first-address-counts'), { mode: 'main', origin_hotline: null }, 'the address the call came in from, not a later one');
});

t.test("a talk that outlived the controller: the seat is free when the agent's leg ends, the survey comes with the caller's end", async (t) => {
  const plan = await shippedPlan();
  const { records, acd, adoption } = setup(plan);
  const seat = plan.seats[0]!.id;
  acd.agentAction(seat, { type: 'login' });
  acd.agentAction(seat, { type: 'ready' });
  const caller = row('talking', { dest: '12345', initial_dest: '12345' });
  await adoption.run(
    link(
      [caller, { ...row('agent-leg', {}), direction: 'outbound' }],
      [
        {
          ...caller,
          b_uuid: 'agent-leg',
          b_name: `sofia/internal/${seat}@127.0.0.1`,
          b_presence_id: `${seat}@127.0.0.1`,
          b_created_epoch: caller.created_epoch,
        },
      ],
    ),
    new Set(),
  );
  t.match(acd.agentState(seat), { name: 'on_call', callId: 'talking' });
  const ev = (name: string, uuid: string, extra: Array<[string, string]> = []) =>
    new EslEvent([['Event-Name', name], ['Unique-ID', uuid], ['Event-Date-Timestamp', String(Date.now() * 1000)], ...extra], undefined, 'plain');
  adoption.observe(ev('CHANNEL_HANGUP_COMPLETE', 'agent-leg', [['Hangup-Cause', 'NORMAL_CLEARING']]));
  t.equal(acd.agentState(seat).name, 'wrap_up', 'the agent hung up: wrap-up while the caller is still asked the survey');
  t.equal(records.get('talking')!.ended_us, null, 'the call goes on');
  adoption.observe(
    ev('CHANNEL_HANGUP_COMPLETE', 'talking', [
      ['Hangup-Cause', 'NORMAL_CLEARING'],
      ['variable_cti_survey', '2'],
    ]),
  );
  t.match(records.get('talking'), { outcome: 'answered', survey_score: 2, hangup_cause: 'NORMAL_CLEARING', agent_id: seat });
  t.equal(acd.agentState(seat).name, 'wrap_up', 'the seat is not ended twice');
});

t.test(
  "an adopted talk keeps the switch's answer times: the agent's from its leg's end, the caller's from the call's end (found by the explorer)",
  async (t) => {
    const plan = await shippedPlan();
    const { db, records, acd, adoption } = setup(plan);
    const [first, second] = [plan.seats[0]!.id, plan.seats[1]!.id];
    for (const seat of [first, second]) {
      acd.agentAction(seat, { type: 'login' });
      acd.agentAction(seat, { type: 'ready' });
    }
    const fallback = row('fallback-talk', {});
    await adoption.run(
      link(
        [fallback, { ...row('fallback-leg', {}), direction: 'outbound' }],
        [
          {
            ...fallback,
            b_uuid: 'fallback-leg',
            b_name: `sofia/internal/${first}@127.0.0.1`,
            b_presence_id: `${first}@127.0.0.1`,
            b_created_epoch: fallback.created_epoch,
          },
        ],
      ),
      new Set(),
    );
    const ev = (name: string, uuid: string, extra: Array<[string, string]>) =>
      new EslEvent([['Event-Name', name], ['Unique-ID', uuid], ['Event-Date-Timestamp', String(Date.now() * 1000)], ...extra], undefined, 'plain');
    // a leg that never answered carries 0 (switch_caller_profile_event_set_data writes every time)
    adoption.observe(
      ev('CHANNEL_HANGUP_COMPLETE', 'fallback-leg', [
        ['Hangup-Cause', 'NORMAL_CLEARING'],
        ['Caller-Channel-Answered-Time', '1796691000123456'],
      ]),
    );
    t.equal(records.get('fallback-talk')!.agent_answered_us, 1796691000123456, "the agent's answer: its leg's own Caller-Channel-Answered-Time");
    records.flush();
    t.match(
      db.prepare("SELECT * FROM call_legs WHERE id = 'fallback-leg'").get(),
      { call_id: 'fallback-talk', kind: 'agent', answered_us: 1796691000123456, hangup_cause: 'NORMAL_CLEARING' },
      'and its leg on the record ends with its times',
    );
    adoption.observe(
      ev('CHANNEL_HANGUP_COMPLETE', 'fallback-talk', [
        ['Hangup-Cause', 'NORMAL_CLEARING'],
        ['Caller-Channel-Answered-Time', '1796690990000001'],
      ]),
    );
    t.match(records.get('fallback-talk'), { outcome: 'answered', agent_id: first, answered_us: 1796690990000001, agent_answered_us: 1796691000123456 });

    // a call the controller had answered and put through before it died keeps its first agent's time
    records.open({ id: 'known-talk', caller: '13800138000', called: '12345', mode: 'main', originHotline: null, department: null, priority: 5, startedUs: 1 });
    records.update('known-talk', { agent_id: first, agent_answered_us: 42, outcome: 'answered' });
    records.flush();
    const known = row('known-talk', { dest: '12345' });
    await adoption.run(
      link(
        [known, { ...row('later-leg', {}), direction: 'outbound' }],
        [
          {
            ...known,
            b_uuid: 'later-leg',
            b_name: `sofia/internal/${second}@127.0.0.1`,
            b_presence_id: `${second}@127.0.0.1`,
            b_created_epoch: known.created_epoch,
          },
        ],
      ),
      new Set(),
    );
    adoption.observe(
      ev('CHANNEL_HANGUP_COMPLETE', 'later-leg', [
        ['Hangup-Cause', 'NORMAL_CLEARING'],
        ['Caller-Channel-Answered-Time', '99'],
      ]),
    );
    t.match(records.get('known-talk'), { agent_id: first, agent_answered_us: 42 }, "a later seat does not replace the first agent's answer");
    const unanswered = row('never-answered', {});
    await adoption.run(link([unanswered]), new Set());
    adoption.observe(
      ev('CHANNEL_HANGUP_COMPLETE', 'never-answered', [
        ['Hangup-Cause', 'ORIGINATOR_CANCEL'],
        ['Caller-Channel-Answered-Time', '0'],
      ]),
    );
    t.equal(records.get('never-answered')!.answered_us, null, 'an unanswered caller stays unanswered');
  },
);
