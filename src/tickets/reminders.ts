// SMS the seed asks for (三(三)): on dispatch, near the deadline (yellow), overdue (red) and on
// supervision (督办). Each message has a dedupe key, so the outbox records it once however
// often the sweep runs or the process restarts.
import type { TicketRow } from './rows.js';
import type { Action } from './lifecycle.js';
import { TicketTypeNames } from './lifecycle.js';
import type { Clock, Light } from './clocks.js';

export type SmsKind = 'dispatch' | 'yellow' | 'red' | 'supervision' | 'alert' | 'other';

export interface SmsQueue {
  enqueue(msg: { to: string; text: string; kind: SmsKind; ticketId?: number; dedupeKey: string }, now: Date): { id: number; created: boolean };
}

/** Mobile numbers to tell about a department's ticket (its handlers; heads too for red and 督办). */
export type Recipients = (department: string, purpose: 'dispatch' | 'yellow' | 'red' | 'supervision') => string[];

const clockNames: Record<Clock, string> = { sign: '签收', resolve: '办结' };

export class ReminderSender {
  constructor(
    private readonly sms: SmsQueue | null,
    private readonly recipients: Recipients,
  ) {}

  afterAction(action: Action, t: TicketRow, nowMs: number, detail: Record<string, unknown>): void {
    if (action === 'dispatch' || action === 'arbitrate' || action === 'reopen') {
      const text = `【12345】贵单位有新工单#${t.id}（${TicketTypeNames[t.type] ?? t.type}），请于${short(t.sign_due_ms!)}前签收，${short(t.resolve_due_ms!)}前办结。`;
      this.send(t, 'dispatch', text, `ticket:${t.id}:v${t.version}:dispatch`, nowMs);
    } else if (action === 'supervise') {
      const text = `【12345】工单#${t.id}被督办：${String(detail.note ?? '')}。请加快办理，${short(t.resolve_due_ms!)}前办结。`;
      this.send(t, 'supervision', text, `ticket:${t.id}:v${t.version}:supervision`, nowMs);
    }
  }

  lightChanged(t: Pick<TicketRow, 'id' | 'cycle' | 'department_id'>, clock: Clock, light: Light, dueMs: number, nowMs: number): void {
    if (light === 'green') return;
    const text =
      light === 'yellow'
        ? `【12345】工单#${t.id}即将到期（黄灯）：${clockNames[clock]}时限 ${short(dueMs)}，请尽快处理。`
        : `【12345】工单#${t.id}已超期（红灯）：${clockNames[clock]}时限 ${short(dueMs)} 已过，请立即处理。`;
    this.send(t, light, text, `ticket:${t.id}:c${t.cycle}:${clock}:${light}:${dueMs}`, nowMs);
  }

  private send(
    t: Pick<TicketRow, 'id' | 'department_id'>,
    kind: 'dispatch' | 'yellow' | 'red' | 'supervision',
    text: string,
    key: string,
    nowMs: number,
  ): void {
    if (!this.sms || !t.department_id) return;
    for (const to of this.recipients(t.department_id, kind)) {
      this.sms.enqueue({ to, text, kind, ticketId: t.id, dedupeKey: `${key}:${to}` }, new Date(nowMs));
    }
  }
}

/** "12月01日15:00" in Shanghai time, short enough for one SMS. */
function short(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}月${p(d.getUTCDate())}日${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}
