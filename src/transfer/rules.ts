// The pure rules of one-key transfer (一键转接, docs/architecture.md §5): which hotlines an agent may
// transfer to and how, whether a hotline takes transfers now, what a failed leg's hangup cause
// means for the answer-rate figures, and the ticket an agent is offered instead.
import type { Hotline } from '../config/index.js';
import { shanghaiDateOf, type WorkingCalendar } from '../calendar/index.js';
import { hotlineOpen } from '../routing/index.js';

/** The kinds stored on an attempt (transfer_attempts.kind). */
export type TransferKind = 'warm' | 'blind' | 'three_way' | 'emergency' | 'linkage';
/** What the agent asks for; emergency numbers are always handed over directly. */
export type RequestedKind = 'warm' | 'blind' | 'three_way';
export type AttemptResult = 'answered' | 'busy' | 'no_answer' | 'failed' | 'cancelled' | 'refused';

export interface TransferPlan {
  kind: TransferKind;
  /**
   * consult: the caller waits on hold music while the agent talks to the hotline first (warm,
   * three-way). handover: the agent stays with the caller while the hotline rings and is freed
   * when it answers (blind, emergency), so a failed leg never leaves a caller alone.
   */
  style: 'consult' | 'handover';
  /** join caller, agent and hotline in a conference as soon as the hotline answers */
  threeWay: boolean;
}

export function planTransfer(hotline: Hotline, requested: RequestedKind | undefined): TransferPlan {
  if (hotline.mode === 'emergency') return { kind: 'emergency', style: 'handover', threeWay: false };
  const asked = requested ?? 'warm';
  const kind: TransferKind = hotline.mode === 'linkage' ? 'linkage' : asked;
  return { kind, style: asked === 'blind' ? 'handover' : 'consult', threeWay: asked === 'three_way' };
}

/** Hotlines an agent can reach with one key: parallel, emergency and linkage ones with a transfer target. */
export function isTransferTarget(hotline: Hotline | undefined): hotline is Hotline & { transfer: NonNullable<Hotline['transfer']> } {
  return !!hotline && hotline.transfer !== null && (hotline.mode === 'parallel' || hotline.mode === 'emergency' || hotline.mode === 'linkage');
}

/**
 * Whether the hotline's seats are there now; emergency lines always are. The reason is for the
 * agent. `provisional`: today's year has no holiday data, so "working day" is the weekday rule's
 * guess; the agent sees that beside the hotline (暂定).
 */
export function transferOpen(hotline: Hotline, at: Date, calendar: WorkingCalendar): { open: boolean; reason: string | null; provisional: boolean } {
  if (hotline.mode === 'emergency') return { open: true, reason: null, provisional: false };
  const state = hotlineOpen(hotline, at, calendar);
  const guess = state.provisional ? `（${shanghaiDateOf(at).slice(0, 4)} 年节假日数据未录入，按周一至周五推定）` : '';
  if (state.open) return { open: true, reason: null, provisional: state.provisional };
  const hours = hotline.schedule ? hotline.schedule.periods.map((p) => `${p.start}-${p.end}`).join('、') : '';
  const days = hotline.schedule?.days === 'workdays' ? '工作日' : '每天';
  return { open: false, reason: `${hotline.name}（${hotline.number}）当前不在工作时间（${days} ${hours}）${guess}`, provisional: state.provisional };
}

/**
 * What a leg that did not answer counts as (docs/architecture.md §5): busy and rejected as busy, no answer
 * within the ring timeout as no_answer, everything else (unreachable, no route, gateway down) as
 * failed. A leg we hung up ourselves is cancelled whatever cause it carries.
 */
export function resultOfCause(cause: string, cancelledByUs: boolean): Exclude<AttemptResult, 'answered' | 'refused'> {
  if (cancelledByUs) return 'cancelled';
  switch (cause) {
    case 'USER_BUSY':
    case 'CALL_REJECTED':
      return 'busy';
    case 'NO_ANSWER':
    case 'NO_USER_RESPONSE':
    case 'ALLOTTED_TIMEOUT':
    case 'RECOVERY_ON_TIMER_EXPIRE':
    case 'PROGRESS_TIMEOUT':
      return 'no_answer';
    default:
      return 'failed';
  }
}

export const ResultNames: Record<AttemptResult, string> = {
  answered: '已接通',
  busy: '忙线或拒接',
  no_answer: '无人接听',
  failed: '无法接通',
  cancelled: '已取消',
  refused: '非工作时间，未转接',
};

export interface TicketPrefill {
  department: string | null;
  caller: string;
  call_id: string;
  origin_hotline: string | null;
  content: string;
}

/** The ticket the desktop offers when a hotline cannot take the caller: dispatched to that department. */
export function ticketPrefill(hotline: Hotline, call: { id: string; caller: string; originHotline: string | null }, why: string): TicketPrefill {
  return {
    department: hotline.department,
    caller: call.caller,
    call_id: call.id,
    origin_hotline: call.originHotline,
    content: `来电拟转接${hotline.name}（${hotline.number}）未成功：${why}。请部门按工单处理并答复。`,
  };
}
