// The ticket lifecycle as data (docs/architecture.md §5): 受理 → 派单 → 签收/办理 → 答复 → 办结 → 回访,
// with 退单, 仲裁, 重办, 延期 and 督办. Pure: no database, no clock.

export const Statuses = ['created', 'dispatched', 'signed', 'returned', 'replied', 'closed', 'visited'] as const;
export type Status = (typeof Statuses)[number];

export const StatusNames: Record<Status, string> = {
  created: '已受理',
  dispatched: '已派单',
  signed: '已签收（办理中）',
  returned: '已退单',
  replied: '已答复',
  closed: '已办结',
  visited: '已回访',
};

export type Role = 'agent' | 'supervisor' | 'dept_handler' | 'dept_head' | 'admin';

export interface Actor {
  id: number;
  role: Role;
  department: string | null;
}

const centre: readonly Role[] = ['agent', 'supervisor'];
const supervisor: readonly Role[] = ['supervisor'];
const department: readonly Role[] = ['dept_handler', 'dept_head'];
// 督办 is pressing those who hold a ticket to finish it: the centre's supervisors for any
// department, a department head for their own department's handlers
const supervision: readonly Role[] = ['supervisor', 'dept_head'];

interface ActionRule {
  from: readonly Status[];
  /** the status after the action; undefined keeps the current one */
  to?: Status;
  roles: readonly Role[];
  /** department users may act only on their own department's tickets (the centre's roles on any) */
  ownDepartment?: boolean;
  /** the states a department user may take it in, when narrower than `from` */
  departmentFrom?: readonly Status[];
  label: string;
}

export const Actions = {
  dispatch: { from: ['created', 'returned'], to: 'dispatched', roles: centre, label: '派单' },
  sign: { from: ['dispatched'], to: 'signed', roles: department, ownDepartment: true, label: '签收' },
  return: { from: ['dispatched', 'signed'], to: 'returned', roles: department, ownDepartment: true, label: '退单' },
  arbitrate: { from: ['returned'], to: 'dispatched', roles: supervisor, label: '仲裁' },
  reply: { from: ['signed'], to: 'replied', roles: department, ownDepartment: true, label: '答复' },
  close: { from: ['created', 'replied'], to: 'closed', roles: centre, label: '办结' },
  follow_up: { from: ['closed'], to: 'visited', roles: centre, label: '回访' },
  reopen: { from: ['closed', 'visited'], to: 'dispatched', roles: supervisor, label: '重办' },
  request_extension: { from: ['signed'], roles: department, ownDepartment: true, label: '申请延期' },
  decide_extension: { from: ['signed'], roles: supervisor, label: '审批延期' },
  // a head only while the department holds the ticket (派单, 办理中): once returned or answered it is the centre's again
  supervise: {
    from: ['dispatched', 'signed', 'returned', 'replied'],
    departmentFrom: ['dispatched', 'signed'],
    roles: supervision,
    ownDepartment: true,
    label: '督办',
  },
} as const satisfies Record<string, ActionRule>;

export type Action = keyof typeof Actions;

export type Refusal = { kind: 'role'; needed: readonly Role[] } | { kind: 'department' } | { kind: 'state'; allowed: Action[] };

/** Why this actor may not take this action on a ticket in this state, or null when allowed. */
export function refusal(action: Action, status: Status, actor: Actor, ticketDepartment: string | null): Refusal | null {
  const rule: ActionRule = Actions[action];
  if (!rule.roles.includes(actor.role)) return { kind: 'role', needed: rule.roles };
  if (rule.ownDepartment && department.includes(actor.role) && actor.department !== ticketDepartment) return { kind: 'department' };
  if (!statesFor(rule, actor).includes(status)) return { kind: 'state', allowed: allowedActions(status, actor, ticketDepartment) };
  return null;
}

/** The actions this actor can take now: what the UI shows as buttons, and what a 409 lists. */
export function allowedActions(status: Status, actor: Actor, ticketDepartment: string | null): Action[] {
  return (Object.keys(Actions) as Action[]).filter((a) => {
    const rule: ActionRule = Actions[a];
    const ownOk = !rule.ownDepartment || !department.includes(actor.role) || actor.department === ticketDepartment;
    return statesFor(rule, actor).includes(status) && rule.roles.includes(actor.role) && ownOk;
  });
}

function statesFor(rule: ActionRule, actor: Actor): readonly Status[] {
  return rule.departmentFrom && department.includes(actor.role) ? rule.departmentFrom : rule.from;
}

export function nextStatus(action: Action, status: Status): Status {
  const rule: ActionRule = Actions[action];
  return rule.to ?? status;
}

/** Which clocks run in a status: sign until signed; resolve until replied. */
export function runningClocks(status: Status): { sign: boolean; resolve: boolean } {
  return { sign: status === 'dispatched', resolve: status === 'dispatched' || status === 'signed' };
}

export const TicketTypeNames: Record<string, string> = {
  consultation: '咨询',
  complaint: '投诉',
  help: '求助',
  suggestion: '建议',
  report: '举报',
  praise: '表扬',
};
