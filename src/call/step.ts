// A call is a list of steps (in the manner of jambonz's verbs): each step has a start, which
// runs until its part of the call is done and may name the steps that follow, and a cancel,
// which stops it when the caller hangs up or the call is taken elsewhere.
import type { Logger } from 'pino';
import type { OutboundCall } from '../esl/index.js';
import type { CtiConfig } from '../config/index.js';
import type { WorkingCalendar } from '../calendar/index.js';
import type { CallDistributor } from '../acd/index.js';
import type { CallTags } from '../routing/index.js';
import type { CallRecords, Outcome } from './call-records.js';
import type { LegClock } from './leg-clock.js';
import type { AgentTalk } from './agent-talk.js';
import type { TransferDesk } from './transfer-desk.js';
import { CHINA_RINGBACK } from '../dialplan/index.js';
import type { CallerMusic } from './music.js';

export interface CallServices {
  records: CallRecords;
  acd: CallDistributor;
  legs: LegClock;
  /** talks with agents, for one-key transfer */
  transfers: TransferDesk;
  config: () => CtiConfig;
  calendar: () => WorkingCalendar;
  log: Logger;
  /** an api command to FreeSWITCH: on the call's own socket while it is open, else on the inbound link */
  api: (command: string, via?: OutboundCall) => Promise<string>;
  /** the caller's survey score, for the tickets opened from the call (the ticket desk notes it) */
  surveyTaken: (callId: string, score: number) => void;
}

/** What the steps of one call share. */
export interface CallContext {
  readonly call: OutboundCall;
  readonly id: string;
  readonly caller: string;
  readonly tags: CallTags;
  readonly services: CallServices;
  readonly log: Logger;
  line: string | null;
  department: string | null;
  outcome: Outcome | null;
  /** the agent's seat and leg, and the time FreeSWITCH says the agent answered */
  agent: { seat: string; leg: string; answeredUs: number } | null;
  /** the talk with that agent, which transfers act on */
  talk: AgentTalk | null;
  /** continue_on_fail and transfer_ringback are set on the caller's channel (see prepareCallerForBridges) */
  continueOnFail: boolean;
  /** the caller's music while nobody talks to them (queue, hold, consult): see music.ts */
  readonly music: CallerMusic;
}

/**
 * Before the first `bridge` of a call, two variables on the caller's channel, set once:
 * - continue_on_fail: FreeSWITCH hangs the caller up when a bridge fails with any cause but
 *   NO_ANSWER, NO_USER_RESPONSE and ORIGINATOR_CANCEL (switch_channel.c
 *   switch_channel_handle_cause), so an agent who declines (CALL_REJECTED), a busy phone or an
 *   unregistered seat would cost the caller the call. Every failed bridge of ours is handled by
 *   the step that made it, so the caller always continues.
 * - transfer_ringback: what an answered caller hears while the far end rings (switch_ivr_originate.c
 *   reads transfer_ringback for an answered originator, else ringback; neither is expanded, so
 *   the value is a tone, not a ${sounds_dir} path). Without it the caller hears silence for the
 *   whole ring of an agent or a department.
 */
export async function prepareCallerForBridges(ctx: CallContext): Promise<void> {
  if (ctx.continueOnFail) return;
  await ctx.call.setVar('continue_on_fail', 'true');
  await ctx.call.setVar('transfer_ringback', CHINA_RINGBACK);
  ctx.continueOnFail = true;
}

export interface Step {
  readonly name: string;
  start(ctx: CallContext): Promise<Step[] | void>;
  cancel(): void;
}

/** `${sounds_dir}/cti/<name>.wav`: FreeSWITCH expands the global and mod_sndfile picks the rate folder. */
export const prompt = (name: string) => `$\{sounds_dir}/cti/${name}.wav`;

/** Several prompts played as one (FreeSWITCH's file_string:// joins files with "!"). */
export const prompts = (names: string[]) => (names.length === 1 ? prompt(names[0]!) : `file_string://${names.map(prompt).join('!')}`);
