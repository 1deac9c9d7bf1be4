// The Chinese names the pages show for the codes the API returns (status, role, outcome, mode,
// line, light, transfer kind/state/result, SMS status/kind, agent state). The server is their one
// source: `scripts/gen-web-names.ts` writes them into web/lib/names.js, and
// test/page-names.test.ts fails when that file is stale (as the dialplan is checked against
// routing.yaml).
//
// Why a generated file and not an endpoint (GET /api/meta/names): the pages keep reading names
// synchronously as plain data, with no request at start-up that could fail or be slow on a phone,
// no cache to invalidate, no new public route, and the web type-check sees the exact keys.
// The price is a regeneration after a name changes, which the test enforces.
//
// Each table is typed by the code union of the area that owns the codes, so a new status, outcome
// or kind without a name fails `tsc` here. Tables the areas do not have yet are defined below,
// each marked with where it belongs; they live here only because those areas were not ours to
// edit when the pages' copies moved to the server.
import { ROLE_NAMES as AUTH_ROLE_NAMES, type Role } from '../auth/index.js';
import { AgentStateNames, type AgentStateName } from '../acd/index.js';
import type { Light } from '../tickets/index.js';
import type { Outcome } from '../call/index.js';
import type { SmsKind, SmsStatus } from '../channels/sms/index.js';
import type { Mode, RoutingPlan } from '../config/index.js';
// the areas' index files do not export these yet; read straight from their modules
import { StatusNames, TicketTypeNames } from '../tickets/lifecycle.js';
import { ResultNames, type TransferKind, type AttemptResult } from '../transfer/rules.js';
import type { AttemptState } from '../transfer/attempt.js';

/** The call's `mode` (cti_mode): the config's hotline modes plus 12345 itself and unknown numbers. Belongs in config/. */
const MODE_NAMES: Record<Mode | 'main' | 'unknown', string> = {
  main: '12345 主号',
  direct: '直接整合',
  parallel: '并联整合',
  emergency: '应急联动',
  linkage: '联动呼转',
  unknown: '未知',
};

/** A call record's outcome; `null` is a call still going. Belongs in call/call-records.ts. */
const OUTCOME_NAMES: Record<Outcome | 'null', string> = {
  answered: '已接听',
  abandoned_ivr: '语音导航中挂断',
  abandoned_queue: '排队中放弃',
  transferred: '已转接',
  callback: '预约回拨',
  voicemail: '留言',
  failed: '失败',
  null: '进行中',
};

/** A ticket's light. Belongs in tickets/clocks.ts. */
const LIGHT_NAMES: Record<Light, string> = { green: '绿灯', yellow: '黄灯', red: '红灯' };

/**
 * A transfer attempt's kind as stored. Belongs in transfer/rules.ts. The pages' copy lacked
 * emergency and linkage, so the desktop showed those attempts as "emergency → 110".
 */
const TRANSFER_KINDS: Record<TransferKind, string> = {
  warm: '咨询转接',
  blind: '直接转接',
  three_way: '三方通话',
  emergency: '应急转接',
  linkage: '联动呼转',
};

/** A transfer attempt's state. Belongs in transfer/attempt.ts. */
const TRANSFER_STATES: Record<AttemptState, string> = {
  ringing: '正在呼叫',
  consulting: '部门已接听（咨询中）',
  completed: '已转出',
  three_way: '三方通话中',
  cancelled: '已取消',
  failed: '转接失败',
};

/**
 * What the agent reads beside a failed transfer. transfer/rules.ts' ResultNames words two of
 * them for reports (busy 忙线或拒接, answered 已接通); the desktop has always said 对方忙 and
 * 已接听, and its tests pin that. Which wording wins is a product decision, so the difference is
 * kept visible here rather than decided silently.
 */
const TRANSFER_RESULTS: Record<AttemptResult, string> = { ...ResultNames, busy: '对方忙', answered: '已接听' };

/** Role names on the pages: the same words as the server's messages and the CLI (auth/roles.ts). */
const ROLE_NAMES: Record<Role, string> = AUTH_ROLE_NAMES;

/** The SMS outbox's statuses. Belongs in channels/sms/message.ts. */
const SMS_STATUS_NAMES: Record<SmsStatus, string> = {
  pending: '待发送',
  sending: '发送中',
  sent: '已发送',
  failed: '发送失败',
  unsent: '未配置网关（仅记录）',
};

/** Why an SMS was sent. Belongs in channels/sms/message.ts. */
const SMS_KIND_NAMES: Record<SmsKind, string> = {
  dispatch: '派单通知',
  yellow: '黄灯提醒',
  red: '红灯提醒',
  supervision: '督办',
  alert: '告警',
  other: '其他',
};

const AGENT_STATE_NAMES: Record<AgentStateName, string> = AgentStateNames;

/** The IVR lines by digit, from routing.yaml: "1 线 · 群众诉求". */
function lineNames(routing: Pick<RoutingPlan, 'ivr'>): Record<string, string> {
  return Object.fromEntries(routing.ivr.lines.map((l) => [l.digit, `${l.digit} 线 · ${l.name}`]));
}

/** Every table the pages read, by the name web/lib/names.js exports it under. */
export function pageNames(routing: Pick<RoutingPlan, 'ivr'>): Record<string, Readonly<Record<string, string>>> {
  return {
    LINE_NAMES: lineNames(routing),
    MODE_NAMES,
    OUTCOME_NAMES,
    TICKET_TYPES: TicketTypeNames,
    STATUS_NAMES: StatusNames,
    LIGHT_NAMES,
    TRANSFER_KINDS,
    TRANSFER_STATES,
    TRANSFER_RESULTS,
    ROLE_NAMES,
    AGENT_STATE_NAMES,
    SMS_STATUS_NAMES,
    SMS_KIND_NAMES,
  };
}

/** web/lib/names.js as text: plain object literals, one export per table. */
export function renderNamesModule(routing: Pick<RoutingPlan, 'ivr'>): string {
  const lines = [
    '// @ts-check',
    "// GENERATED by `node --import tsx scripts/gen-web-names.ts` from the server's name tables",
    '// (src/http/page-names.ts, which says why a file and not an endpoint). Do not edit: change the',
    '// server and regenerate; test/page-names.test.ts fails while this file is stale.',
    '',
  ];
  for (const [name, table] of Object.entries(pageNames(routing))) {
    const entries = Object.entries(table).map(
      ([code, label]) => `  ${/^[A-Za-z_$][\w$]*$/.test(code) ? code : JSON.stringify(code)}: ${JSON.stringify(label)},`,
    );
    lines.push(`export const ${name} = Object.freeze({`, ...entries, '});', '');
  }
  return lines.join('\n');
}
