// The ticket desk: every lifecycle action as one transaction — check role, department,
// state and version, write the ticket, append the audited event, start or stop clocks,
// and queue the SMS the seed asks for. Nothing is half-written: a refusal throws before
// any write, and a conflict inside the transaction rolls all of it back.
import { GroupCommit, type Db } from '../store/index.js';
import { CtiError } from '../errors.js';
import { refusal, nextStatus, runningClocks, StatusNames, Actions, type Action, type Actor, type Status } from './lifecycle.js';
import { TicketRows, type TicketChange, type TicketFilter, type TicketRow } from './rows.js';
import { worstLight, type Light, type TicketClocks } from './clocks.js';
import { ReminderSender, type SmsQueue, type Recipients } from './reminders.js';

export interface NewTicket {
  type: string;
  channel: string;
  caller: string;
  caller_name?: string;
  confidential?: boolean;
  classification?: string;
  content: string;
  call_id?: string;
  origin_hotline?: string;
  priority?: number;
}

export interface ActionInput {
  version: number;
  department?: string;
  note?: string;
  reason?: string;
  ruling?: string;
  text?: string;
  satisfaction?: 'satisfied' | 'basically_satisfied' | 'dissatisfied';
  days?: number;
  request_id?: number;
  approve?: boolean;
}

export interface TicketDeskDeps {
  db: Db;
  /** read on every use: the calendar and settings follow config reloads */
  clocks: () => TicketClocks;
  departmentExists: (id: string) => boolean;
  sms: SmsQueue | null;
  recipients: Recipients;
  now: () => Date;
}

/** A request for more working days (延期申请) and the centre's decision, as stored. */
export interface ExtensionRequestRow {
  id: number;
  days: number;
  reason: string;
  requested_by: number | null;
  requested_ms: number;
  status: string;
  decided_by: number | null;
  decided_ms: number | null;
  decision_note: string | null;
}

export class TicketDesk {
  readonly rows: TicketRows;
  private readonly reminders: ReminderSender;

  private readonly writes: GroupCommit;

  constructor(private readonly deps: TicketDeskDeps) {
    this.rows = new TicketRows(deps.db);
    this.reminders = new ReminderSender(deps.sms, deps.recipients);
    this.writes = GroupCommit.of(deps.db);
  }

  /** Registers (受理) a ticket, and dispatches it in the same transaction when `dispatchTo` is given. */
  create(input: NewTicket, actor: Actor | null, dispatchTo?: string): Promise<TicketRow> {
    return this.writes.run(() => this.createNow(input, actor, dispatchTo));
  }

  /** One lifecycle action; resolves once it is committed, rejects with a CtiError when refused. */
  act(id: number, action: Action, input: ActionInput, actor: Actor): Promise<TicketRow> {
    return this.writes.run(() => this.actNow(id, action, input, actor));
  }

  /**
   * The caller's survey score (1–3, pressed after the talk) noted on every ticket opened from
   * that call, as a `call_survey` event; returns how many tickets got it. Resolves once committed.
   */
  noteCallSurvey(callId: string, score: number): Promise<number> {
    return this.writes.run(() => {
      const nowMs = this.deps.now().getTime();
      const ids = this.rows.idsOfCall(callId);
      for (const id of ids) this.rows.event(id, nowMs, null, 'call_survey', null, null, { call_id: callId, score });
      return ids.length;
    });
  }

  private createNow(input: NewTicket, actor: Actor | null, dispatchTo?: string): TicketRow {
    const nowMs = this.deps.now().getTime();
    return this.deps.db.transaction(() => {
      // the foreign key would refuse it as a 500; a call id typed or pasted wrong is the user's to fix
      if (input.call_id !== undefined && !this.deps.db.prepare('SELECT 1 FROM calls WHERE id = ?').get(input.call_id)) {
        throw new CtiError('TICKET_BAD_INPUT', `没有这个通话: ${input.call_id} (no call with this id)`, { field: 'body.call_id' });
      }
      const id = this.rows.insert({
        type: input.type,
        status: 'created',
        channel: input.channel,
        priority: input.priority ?? 0,
        caller: input.caller,
        caller_name: input.caller_name ?? null,
        confidential: input.confidential ? 1 : 0,
        classification: input.classification ?? null,
        content: input.content,
        call_id: input.call_id ?? null,
        origin_hotline: input.origin_hotline ?? null,
        department_id: null,
        created_by: actor?.id ?? null,
        created_ms: nowMs,
        cycle: 0,
        dispatched_ms: null,
        sign_due_ms: null,
        resolve_due_ms: null,
        extension_days: 0,
        signed_ms: null,
        replied_ms: null,
        closed_ms: null,
        light_sign: null,
        light_resolve: null,
        deadline_provisional: 0,
        reply_text: null,
        satisfaction: null,
        updated_ms: nowMs,
      });
      this.rows.event(id, nowMs, actor?.id ?? null, 'create', null, 'created', { channel: input.channel, type: input.type });
      if (dispatchTo === undefined || actor === null) return this.mustGet(id);
      return this.actInside(id, 'dispatch', { version: 1, department: dispatchTo }, actor, nowMs);
    })();
  }

  get(id: number): TicketRow {
    return this.mustGet(id);
  }

  list(filter: TicketFilter): TicketRow[] {
    return this.rows.list(filter);
  }

  private actNow(id: number, action: Action, input: ActionInput, actor: Actor): TicketRow {
    const nowMs = this.deps.now().getTime();
    return this.deps.db.transaction(() => this.actInside(id, action, input, actor, nowMs))();
  }

  /** Lights of a row at an instant, from its deadlines (never from the last sweep). */
  lights(row: TicketRow, nowMs: number): { sign: Light | null; resolve: Light | null; worst: Light } {
    const running = runningClocks(row.status);
    const clocks = this.deps.clocks();
    const sign = running.sign && row.sign_due_ms !== null ? clocks.lightOf(row.sign_due_ms, nowMs, 'sign') : null;
    const resolve = running.resolve && row.resolve_due_ms !== null ? clocks.lightOf(row.resolve_due_ms, nowMs, 'resolve') : null;
    return { sign, resolve, worst: worstLight([sign, resolve]) };
  }

  clocksNow(): TicketClocks {
    return this.deps.clocks();
  }

  extensionRequests(ticketId: number): ExtensionRequestRow[] {
    return this.deps.db
      .prepare(
        'SELECT id, days, reason, requested_by, requested_ms, status, decided_by, decided_ms, decision_note FROM extension_requests WHERE ticket_id = ? ORDER BY id',
      )
      .all(ticketId) as ExtensionRequestRow[];
  }

  /** Open tickets by light and status at an instant (the wallboard's ticket lights). */
  summary(nowMs: number, department?: string) {
    const clocks = this.deps.clocks();
    return this.rows.summary({ nowMs, signBound: clocks.yellowBound(nowMs, 'sign'), resolveBound: clocks.yellowBound(nowMs, 'resolve') }, department);
  }

  private mustGet(id: number): TicketRow {
    const row = this.rows.get(id);
    if (!row) throw new CtiError('TICKET_NOT_FOUND', `ticket ${id} does not exist`);
    return row;
  }

  private actInside(id: number, action: Action, input: ActionInput, actor: Actor, nowMs: number): TicketRow {
    const row = this.mustGet(id);
    // A stale version is reported before the state check: the state the user acted on is gone,
    // and "reload, someone changed it" is the message that helps.
    refuseUnlessAllowed(action, row, actor, 'roles');
    if (row.version !== input.version) throw conflict(row);
    refuseUnlessAllowed(action, row, actor, 'state');
    const { change, detail } = this.changeFor(action, row, input, actor, nowMs);
    const to = change.status ?? nextStatus(action, row.status);
    if (!this.rows.update(id, input.version, { ...change, status: to }, nowMs)) throw conflict(this.mustGet(id));
    this.rows.event(id, nowMs, actor.id, action, row.status, to, detail);
    const after = this.mustGet(id);
    this.reminders.afterAction(action, after, nowMs, detail);
    return after;
  }

  private changeFor(
    action: Action,
    row: TicketRow,
    input: ActionInput,
    actor: Actor,
    nowMs: number,
  ): { change: TicketChange; detail: Record<string, unknown> } {
    const need = (field: keyof ActionInput) => {
      const v = input[field];
      if (v === undefined || v === '' || v === null)
        throw new CtiError('TICKET_BAD_INPUT', `${Actions[action].label}需要填写 ${field} (${field} is required for ${action})`, { field });
      return v;
    };
    switch (action) {
      case 'dispatch': {
        const department = String(need('department'));
        if (!this.deps.departmentExists(department))
          throw new CtiError('TICKET_BAD_INPUT', `没有这个部门: ${department} (unknown department)`, { field: 'department' });
        return { change: this.startClocks(row, department, nowMs), detail: { department, before: row.department_id, note: input.note } };
      }
      case 'arbitrate':
        return { change: this.startClocks(row, row.department_id!, nowMs), detail: { ruling: need('ruling'), department: row.department_id } };
      case 'reopen': {
        // a ticket answered on the phone was never dispatched: 重办 then needs a department
        const department = row.department_id ?? String(need('department'));
        if (!this.deps.departmentExists(department))
          throw new CtiError('TICKET_BAD_INPUT', `没有这个部门: ${department} (unknown department)`, { field: 'department' });
        const change = { ...this.startClocks(row, department, nowMs), replied_ms: null, closed_ms: null, reply_text: null, satisfaction: null };
        return { change, detail: { reason: need('reason'), department } };
      }
      case 'sign':
        return { change: { signed_ms: nowMs, light_sign: null }, detail: { note: input.note, late: row.sign_due_ms !== null && nowMs > row.sign_due_ms } };
      case 'return':
        return { change: { light_sign: null, light_resolve: null }, detail: { reason: need('reason') } };
      case 'reply':
        return {
          change: { replied_ms: nowMs, reply_text: String(need('text')), light_resolve: null },
          detail: { text: input.text, late: row.resolve_due_ms !== null && nowMs > row.resolve_due_ms },
        };
      case 'close':
        return { change: { closed_ms: nowMs }, detail: { note: input.note } };
      case 'follow_up':
        return { change: { satisfaction: String(need('satisfaction')) }, detail: { satisfaction: input.satisfaction, note: input.note } };
      case 'supervise':
        return {
          change: { priority: Math.min(3, row.priority + 1) },
          detail: { note: need('note'), priority: { before: row.priority, after: Math.min(3, row.priority + 1) } },
        };
      case 'request_extension':
        return this.requestExtension(row, input, actor, nowMs, need);
      case 'decide_extension':
        return this.decideExtension(row, input, actor, nowMs, need);
    }
  }

  /** Dispatch (and re-dispatch) starts both clocks afresh, in a new cycle. */
  private startClocks(row: TicketRow, department: string, nowMs: number): TicketChange {
    const due = this.deps.clocks().deadlines(nowMs, row.type, 0);
    return {
      department_id: department,
      cycle: row.cycle + 1,
      dispatched_ms: nowMs,
      sign_due_ms: due.signDue,
      resolve_due_ms: due.resolveDue,
      deadline_provisional: due.provisional ? (1 as const) : (0 as const),
      extension_days: 0,
      signed_ms: null,
      light_sign: 'green',
      light_resolve: 'green',
    };
  }

  private requestExtension(row: TicketRow, _input: ActionInput, actor: Actor, nowMs: number, need: (f: keyof ActionInput) => unknown) {
    const days = Number(need('days'));
    if (!(days > 0 && days <= 30)) throw new CtiError('TICKET_BAD_INPUT', '延期天数应在 0 到 30 个工作日之间 (days must be > 0 and ≤ 30)', { field: 'days' });
    const reason = String(need('reason'));
    const pending = this.deps.db.prepare("SELECT id FROM extension_requests WHERE ticket_id = ? AND status = 'pending'").get(row.id);
    if (pending)
      throw new CtiError('TICKET_ILLEGAL_TRANSITION', '已有待审批的延期申请 (an extension request is already pending)', {
        current_state: row.status,
        allowed_actions: [],
      });
    const r = this.deps.db
      .prepare('INSERT INTO extension_requests (ticket_id, cycle, days, reason, requested_by, requested_ms) VALUES (?, ?, ?, ?, ?, ?)')
      .run(row.id, row.cycle, days, reason, actor.id, nowMs);
    return { change: {}, detail: { request_id: Number(r.lastInsertRowid), days, reason } };
  }

  private decideExtension(row: TicketRow, input: ActionInput, actor: Actor, nowMs: number, need: (f: keyof ActionInput) => unknown) {
    const requestId = Number(need('request_id'));
    const approve = need('approve') === true;
    const req = this.deps.db
      .prepare<[number, number], { days: number }>("SELECT days FROM extension_requests WHERE id = ? AND ticket_id = ? AND status = 'pending'")
      .get(requestId, row.id);
    if (!req)
      throw new CtiError('TICKET_BAD_INPUT', `没有待审批的延期申请 ${requestId} (no pending extension request with this id on the ticket)`, {
        field: 'request_id',
      });
    this.deps.db
      .prepare('UPDATE extension_requests SET status = ?, decided_by = ?, decided_ms = ?, decision_note = ? WHERE id = ?')
      .run(approve ? 'approved' : 'denied', actor.id, nowMs, input.note ?? null, requestId);
    const detail = { request_id: requestId, approve, days: req.days, note: input.note };
    if (!approve) return { change: {}, detail };
    const extension = row.extension_days + req.days;
    const due = this.deps.clocks().deadlines(row.dispatched_ms!, row.type, extension);
    const light = this.deps.clocks().lightOf(due.resolveDue, nowMs, 'resolve');
    return {
      change: {
        extension_days: extension,
        resolve_due_ms: due.resolveDue,
        light_resolve: light,
        deadline_provisional: due.provisional ? (1 as const) : (0 as const),
      },
      detail: { ...detail, resolve_due: { before: row.resolve_due_ms, after: due.resolveDue } },
    };
  }
}

function refuseUnlessAllowed(action: Action, row: TicketRow, actor: Actor, check: 'roles' | 'state'): void {
  const why = refusal(action, row.status, actor, row.department_id);
  if (!why || (check === 'roles') !== (why.kind !== 'state')) return;
  if (why.kind === 'role')
    throw new CtiError('TICKET_FORBIDDEN', `${Actions[action].label}需要角色 ${why.needed.join(' / ')} (needs role ${why.needed.join(' or ')})`, {
      needed: why.needed,
    });
  if (why.kind === 'department') throw new CtiError('TICKET_FORBIDDEN', '这是其他部门的工单 (the ticket belongs to another department)');
  throw new CtiError(
    'TICKET_ILLEGAL_TRANSITION',
    `工单当前状态为“${StatusNames[row.status]}”，不能${Actions[action].label}；可执行: ${why.allowed.map((a) => Actions[a].label).join('、') || '无'} (ticket is ${row.status}; ${action} is not possible; allowed: ${why.allowed.join(', ') || 'none'})`,
    { current_state: row.status, allowed_actions: why.allowed },
  );
}

function conflict(row: TicketRow): CtiError {
  return new CtiError('TICKET_VERSION_CONFLICT', `工单已被他人修改（当前版本 ${row.version}），请刷新后重试 (ticket is now at version ${row.version})`, {
    current_state: row.status,
    current_version: row.version,
  });
}

export type { Status };
