// A call waiting in a queue, and the order calls are served in: priority first (1 is the
// highest: 110-diverted calls), then the time the call entered the queue.

export interface WaitingCall {
  callId: string;
  /** the queue (skill) of its line: citizen, enterprise, supervision */
  queue: string;
  line: string;
  priority: number;
  enteredMs: number;
  caller: string;
  originHotline: string | null;
  department: string | null;
  /** agents who did not answer this call; it is offered to others first */
  missedBy: string[];
  /** arrival order, for calls that entered in the same millisecond */
  seq: number;
}

export function servedBefore(a: WaitingCall, b: WaitingCall): boolean {
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.enteredMs !== b.enteredMs ? a.enteredMs < b.enteredMs : a.seq < b.seq;
}

export function inServiceOrder(calls: Iterable<WaitingCall>): WaitingCall[] {
  return [...calls].sort((a, b) => (servedBefore(a, b) ? -1 : servedBefore(b, a) ? 1 : 0));
}
