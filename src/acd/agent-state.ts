// The agent state machine (坐席状态): logged out, available (示闲), ringing, on a call,
// wrap-up (话后整理, timed), break (示忙, with a reason). Pure: returns the next state or why not.

export type AgentStateName = 'logged_out' | 'available' | 'ringing' | 'on_call' | 'wrap_up' | 'break';

export const AgentStateNames: Record<AgentStateName, string> = {
  logged_out: '未登录',
  available: '空闲',
  ringing: '振铃',
  on_call: '通话中',
  wrap_up: '话后整理',
  break: '小休',
};

export interface AgentState {
  name: AgentStateName;
  /** when the agent last became available: longest idle first */
  idleSinceMs: number | null;
  callId: string | null;
  breakReason: string | null;
  /** wrap-up ends at this instant, then the agent is available again */
  wrapUpUntilMs: number | null;
  /** consecutive offers not answered; two in a row put the agent on break */
  missedInARow: number;
  /** a break asked for during a call, taken when the call ends */
  breakAfterCall: string | null;
}

export type AgentEvent =
  | { type: 'login' }
  | { type: 'logout' }
  | { type: 'ready' }
  | { type: 'break'; reason: string }
  | { type: 'offer'; callId: string }
  | { type: 'answer' }
  | { type: 'no_answer' }
  | { type: 'call_ended'; wrapUpMs: number }
  | { type: 'wrap_up_over' };

export const MISSES_BEFORE_BREAK = 2;
export const MISSED_CALLS_REASON = '连续未接来电';

export const loggedOut = (): AgentState => ({
  name: 'logged_out',
  idleSinceMs: null,
  callId: null,
  breakReason: null,
  wrapUpUntilMs: null,
  missedInARow: 0,
  breakAfterCall: null,
});

const allowedFrom: Record<AgentEvent['type'], readonly AgentStateName[]> = {
  login: ['logged_out'],
  logout: ['available', 'break', 'wrap_up'],
  ready: ['break', 'wrap_up'],
  break: ['available', 'wrap_up', 'break', 'on_call', 'ringing'],
  offer: ['available'],
  answer: ['ringing'],
  no_answer: ['ringing'],
  call_ended: ['on_call'],
  wrap_up_over: ['wrap_up'],
};

export function allowed(state: AgentState, event: AgentEvent['type']): boolean {
  return allowedFrom[event].includes(state.name);
}

/** The next state, or null when the event is not possible in this state. */
export function nextAgentState(s: AgentState, e: AgentEvent, nowMs: number): AgentState | null {
  if (!allowed(s, e.type)) return null;
  const idle = (): AgentState => ({ ...s, name: 'available', idleSinceMs: nowMs, callId: null, breakReason: null, wrapUpUntilMs: null });
  const onBreak = (reason: string): AgentState => ({
    ...s,
    name: 'break',
    breakReason: reason,
    callId: null,
    wrapUpUntilMs: null,
    idleSinceMs: null,
    breakAfterCall: null,
  });
  switch (e.type) {
    case 'login':
      return { ...loggedOut(), name: 'break', breakReason: '未就绪' };
    case 'logout':
      return loggedOut();
    case 'ready':
      return { ...idle(), missedInARow: 0 };
    case 'break':
      // during a call (or while it rings) the break is taken when the call ends
      return s.name === 'on_call' || s.name === 'ringing' ? { ...s, breakAfterCall: e.reason } : onBreak(e.reason);
    case 'offer':
      return { ...s, name: 'ringing', callId: e.callId };
    case 'answer':
      return { ...s, name: 'on_call', missedInARow: 0 };
    case 'no_answer': {
      const missed = s.missedInARow + 1;
      if (missed >= MISSES_BEFORE_BREAK) return { ...onBreak(MISSED_CALLS_REASON), missedInARow: missed };
      if (s.breakAfterCall) return { ...onBreak(s.breakAfterCall), missedInARow: missed };
      // keeps its place in the idle order: a missed ring is not the agent's rest
      return { ...s, name: 'available', callId: null, missedInARow: missed };
    }
    case 'call_ended':
      if (s.breakAfterCall) return onBreak(s.breakAfterCall);
      return e.wrapUpMs > 0 ? { ...s, name: 'wrap_up', callId: null, wrapUpUntilMs: nowMs + e.wrapUpMs } : idle();
    case 'wrap_up_over':
      return idle();
  }
}
