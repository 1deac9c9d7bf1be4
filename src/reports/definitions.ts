// Each figure's definition in one sentence or two, as the API, the wallboard and the monthly
// table state it beside the figure (Chinese: supervisors read them). The full rules, with
// what is left out and every boundary, are in docs/figures.md under the anchor named here.
import type { RoutingPlan } from '../config/index.js';

const pct = (x: number) => `${+(x * 100).toFixed(1)}%`;

/** docs/figures.md#transfer-answer-rate */
export function transferRateDefinition(plan: RoutingPlan): string {
  const s = plan.transfer.answerTargetS;
  return `${s}秒接通率 = ${s}秒内接通 ÷ 计入（目标 ${pct(plan.transfer.targetRate)}）。计入：结果已知的转接（接通；忙线、拒接、无法接通、无人接听），及振铃已超过${s}秒仍未接通的；不计入：振铃未满${s}秒的（振铃中）、${s}秒内由我方取消的、非工作时间未转出的。时间为FreeSWITCH记录的呼出与应答时间。`;
}

/** docs/figures.md#service-level */
export function serviceLevelDefinition(plan: RoutingPlan): string {
  const { answerTargetS: s, targetRate, shortAbandonS } = plan.serviceLevel;
  const short = shortAbandonS > 0 ? `排队${shortAbandonS}秒内放弃的、` : '';
  return `服务水平 = ${s}秒内坐席接听 ÷ 进线（目标 ${pct(targetRate)}）。进线：进入12345人工队列的来电；不计入：${short}排队未满${s}秒仍在等待的（待定）。`;
}

/** docs/figures.md#capacity-hint */
export function capacityDefinition(plan: RoutingPlan): string {
  const { answerTargetS: s, targetRate, capacityWindowMin } = plan.serviceLevel;
  return `坐席需求估算（Erlang C）：按近${capacityWindowMin}分钟进入12345队列的来电数，及其间坐席接听并已结束的通话平均时长加话后整理${plan.acd.wrapUpS}秒，求达到${pct(targetRate)}来电${s}秒内接听所需的最少在岗坐席数。`;
}

/** docs/figures.md#on-time-rates */
export const signOnTimeDefinition =
  '签收及时率 = 按时签收 ÷（按时签收 + 签收超时）。按时：在签收时限之前或恰在时限签收；超时：时限之后签收，或过了时限仍未签收；未到期（时限未到且未签收）和在时限内退单的不计入。';

/** docs/figures.md#on-time-rates */
export const resolveOnTimeDefinition =
  '办结及时率 = 按时答复 ÷（按时答复 + 答复超时）。以部门答复时间对照办结时限（含批准的延期）；未到期（时限未到且未答复）和在时限内退单的不计入。';

/** docs/figures.md#on-time-rates */
export const returnedDefinition = '退单：部门退回、等待中心仲裁或改派的工单，时限在退单时中止；退单时已过时限的计为超时。';

/** docs/figures.md#overdue-open */
export const overdueOpenDefinition = '超期未办结：截至统计时刻已过办结时限、仍未答复的已派单或已签收工单。';

/** docs/figures.md#satisfaction-rate */
export const satisfactionDefinition = '满意率 =（满意 + 基本满意）÷ 已回访。';

/** What a transfer rate rests on, in one line: 「近24小时 · 计入 37 次 · 15秒内接通 35 次 · 振铃中 1」. */
export function transferBasis(window: string, c: { counted: number; answered_within_15s: number; ringing: number; cancelled: number }): string {
  const parts = [window, `计入 ${c.counted} 次`, `15秒内接通 ${c.answered_within_15s} 次`];
  if (c.ringing > 0) parts.push(`振铃中 ${c.ringing}`);
  if (c.cancelled > 0) parts.push(`15秒内取消 ${c.cancelled}（不计入）`);
  return parts.join(' · ');
}

/** What a service level rests on, in one line: 「今日 00:00 起 · 进线 120 通 · 15秒内接听 110 通 · 待定 2 通」. */
export function serviceLevelBasis(
  window: string,
  c: { offered: number; answered_within_15s: number; pending: number; short_abandoned: number; unknown: number },
): string {
  const parts = [window, `进线 ${c.offered} 通`, `15秒内接听 ${c.answered_within_15s} 通`];
  if (c.pending > 0) parts.push(`待定 ${c.pending} 通`);
  if (c.short_abandoned > 0) parts.push(`短时放弃 ${c.short_abandoned} 通（不计入）`);
  if (c.unknown > 0) parts.push(`系统中断期间结束 ${c.unknown} 通（结果未知，不计入）`);
  return parts.join(' · ');
}
