// One call's flow: runs its steps in order, each step naming the next; stops the current step
// when the caller hangs up; closes the call record with the outcome and FreeSWITCH's times; and
// kills any leg the call created that is still up, so nothing is left behind in FreeSWITCH.
import type { OutboundCall } from '../esl/index.js';
import { tagsAfterDiversion, tagsFromVariables } from '../routing/index.js';
import type { CallContext, CallServices, Step } from './step.js';
import { Answer, RecordCall } from './steps/answer.js';
import { Route } from './steps/route.js';
import { CallerMusic } from './music.js';
import { prompt } from './step.js';

export async function runCall(call: OutboundCall, services: CallServices): Promise<void> {
  const dialled = tagsFromVariables((name) => call.channelData.variable(name), call.channelData.destinationNumber ?? '');
  const tags = tagsAfterDiversion(dialled, call.channelData.variable('sip_h_Diversion'), services.config().routing);
  const ctx: CallContext = {
    call,
    id: call.uuid,
    caller: call.channelData.callerIdNumber ?? '',
    tags,
    services,
    log: services.log.child({ call: call.uuid }),
    line: null,
    department: tags.department,
    outcome: null,
    agent: null,
    talk: null,
    continueOnFail: false,
    music: new CallerMusic(call, prompt('hold-music'), (command) => services.api(command, call)),
  };
  call.on('event', (e) => services.legs.observe(e));
  const createdUs = Number(call.channelData.event.get('Caller-Channel-Created-Time')) || call.channelData.event.timestampUs || Date.now() * 1000;
  services.records.open({
    id: ctx.id,
    caller: ctx.caller,
    called: tags.destination,
    mode: tags.mode,
    originHotline: tags.originHotline,
    department: tags.department,
    priority: tags.priority,
    startedUs: createdUs,
  });
  ctx.log.info({ tags }, 'call taken');
  await runSteps(ctx, [new Answer(), new RecordCall(), new Route()]);
  await finish(ctx);
}

async function runSteps(ctx: CallContext, initial: Step[]): Promise<void> {
  const queue = [...initial];
  let current: Step | null = null;
  const onHangup = () => current?.cancel();
  ctx.call.on('hangup', onHangup);
  // A session that ends under a caller still up (our shutdown, a dropped socket) can do nothing
  // more: the caller runs on in FreeSWITCH's dialplan. A step waiting for the queue would
  // otherwise wait out its timer (up to acd.max_wait_s) for nothing.
  void ctx.call.closed.then(onHangup);
  try {
    while (queue.length > 0 && !ctx.call.isHungUp && !ctx.call.isClosed) {
      current = queue.shift()!;
      const next = await current.start(ctx);
      if (next) queue.unshift(...next);
    }
  } catch (err) {
    if (!ctx.call.isHungUp) ctx.log.error({ err, step: current?.name }, 'call step failed; hanging up');
    // the music holds every queued message back (event-lock): the hangup too
    await ctx.music.stop();
    if (!ctx.call.isHungUp) await ctx.call.hangup('NORMAL_TEMPORARY_FAILURE').catch(() => undefined);
  } finally {
    ctx.call.off('hangup', onHangup);
  }
}

async function finish(ctx: CallContext): Promise<void> {
  const { records, acd, legs } = ctx.services;
  if (ctx.call.isClosed && !ctx.call.isHungUp) {
    // The session ended under a caller still up (our shutdown, a dropped socket): FreeSWITCH has
    // the call now, on into the fallback (socket_resume) or in a talk the guard keeps. Nothing
    // is stopped, hung up or killed, and no outcome is guessed: the adoption of a controller
    // that comes back follows it to its end.
    acd.leave(ctx.id, 'removed');
    ctx.log.info({ outcome: ctx.outcome }, 'call left to FreeSWITCH when its session ended');
    return;
  }
  await ctx.music.stop();
  if (!ctx.call.isHungUp) await ctx.call.hangup('NORMAL_CLEARING').catch(() => undefined);
  // the agent's or department's leg, if somehow still up, must not outlive the call
  const other = ctx.agent?.leg;
  if (other && legs.times(other).hangupUs === undefined) await ctx.services.api(`uuid_kill ${other}`, ctx.call).catch(() => undefined);
  const closed = await ctx.call.closed;
  const hangup = await legs.when(ctx.id, 'hangupUs', 1000);
  if (ctx.outcome === null) {
    const waiting = acd.isWaiting(ctx.id);
    acd.leave(ctx.id, 'abandoned');
    ctx.outcome = ctx.line !== null || waiting ? 'abandoned_queue' : 'abandoned_ivr';
    if (ctx.outcome === 'abandoned_queue' && hangup.hangupUs) records.update(ctx.id, { queue_left_us: hangup.hangupUs });
  }
  const cause = closed.hangupCause ?? hangup.cause;
  records.update(ctx.id, { outcome: ctx.outcome, ...(hangup.hangupUs ? { ended_us: hangup.hangupUs } : {}), ...(cause ? { hangup_cause: cause } : {}) });
  ctx.log.info({ outcome: ctx.outcome, cause }, 'call ended');
}
