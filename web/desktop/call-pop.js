// @ts-check
// The incoming call pop (来电弹屏): caller, line, origin hotline, the caller's earlier calls and
// tickets, and hold/resume of the caller.
import { api, post } from '/lib/api.js';
import { toast } from '/lib/toast.js';
import { formatDateTime, formatDuration, LINE_NAMES, MODE_NAMES, OUTCOME_NAMES, STATUS_NAMES, TICKET_TYPES, nameOf } from '/lib/format.js';

/** Every id a page asks for is in its HTML. @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @typedef {import('/lib/types.js').CallRecord} CallRecord */

/** @param {string | null | undefined} text */
const cell = (text) => Object.assign(document.createElement('td'), { textContent: text ?? '—' });
/** @param {...(string | null | undefined)} texts */
const row = (...texts) => {
  const tr = document.createElement('tr');
  tr.append(...texts.map(cell));
  return tr;
};

export class CallPop {
  constructor() {
    /** @type {CallRecord | null} */
    this.call = null;
    this.live = false;
    this.held = false;
    $('btn-hold').onclick = () => this.toggleHold();
  }

  /**
   * @param {string} callId
   * @returns {Promise<CallRecord>}
   */
  async show(callId) {
    /** @type {CallRecord} */
    const call = await api(`/api/calls/${encodeURIComponent(callId)}`);
    this.call = call;
    this.setHeld(false);
    $('call-empty').hidden = true;
    $('call-info').hidden = false;
    $('call-caller').textContent = call.caller;
    $('call-line').textContent = call.line ? nameOf(LINE_NAMES, call.line) : '—';
    $('call-origin').textContent = call.origin_hotline ? `${call.origin_hotline}` : '12345';
    $('call-mode').textContent = nameOf(MODE_NAMES, call.mode);
    $('call-started').textContent = formatDateTime(call.started_at);
    $('call-wait').textContent = call.queue_wait_s === null ? '—' : formatDuration(call.queue_wait_s);
    void this.history(call.caller, call.id);
    return call;
  }

  /**
   * The switch's word on the call: the heading and whether hold is offered (deskPhase).
   * @param {import('./call-phase.js').DeskPhase} phase
   */
  setPhase(phase) {
    this.live = phase.canHold;
    $('call-title').textContent = `来电信息 · ${phase.title}`;
    this.holdButton().disabled = !phase.canHold;
  }

  /**
   * @param {string} caller
   * @param {string} thisCall
   */
  async history(caller, thisCall) {
    /** @type {import('/lib/types.js').CallerHistory} */
    const h = await api(`/api/callers/${encodeURIComponent(caller)}/history`);
    const calls = h.calls.filter((c) => c.id !== thisCall);
    $('history-calls').replaceChildren(
      ...(calls.length
        ? calls.map((c) => row(formatDateTime(c.started_at), c.origin_hotline ?? c.called, nameOf(OUTCOME_NAMES, c.outcome)))
        : [row('无', '', '')]),
    );
    $('history-tickets').replaceChildren(
      ...(h.tickets.length
        ? h.tickets.map((t) => row(`#${t.id}`, nameOf(TICKET_TYPES, t.type), nameOf(STATUS_NAMES, t.status), t.content))
        : [row('无', '', '', '')]),
    );
  }

  ended() {
    if (!this.call) return;
    this.setHeld(false);
  }

  async toggleHold() {
    if (!this.live) return toast(this.call ? '当前状态不能保持' : '当前没有通话', { error: true });
    // decided before the request: the feed may report the new phase before the reply arrives
    const hold = !this.held;
    try {
      // live implies a call is shown
      const talk = await post(`/api/calls/${encodeURIComponent(/** @type {CallRecord} */ (this.call).id)}/${hold ? 'hold' : 'resume'}`);
      this.setHeld(talk?.phase ? talk.phase === 'held' : hold);
    } catch (err) {
      toast(err.message, { error: true });
    }
  }

  /** The server's word on hold (the softphone's feature code can hold too, not only this page). */
  /** @param {import('/lib/types.js').FeedMessage} message */
  applyPhase(message) {
    if (this.live && message.call_id === this.call?.id && message.phase) this.setHeld(message.phase === 'held');
  }

  /** @param {boolean} held */
  setHeld(held) {
    this.held = held;
    /** @type {Text} the label before the key hint */ (this.holdButton().firstChild).textContent = held ? '恢复通话 ' : '保持 ';
    $('hold-state').textContent = held ? '来电方正在听等待音乐' : '';
  }

  holdButton() {
    return /** @type {HTMLButtonElement} */ ($('btn-hold'));
  }
}
