// @ts-check
// One-key transfer (一键转接): emergency lines, the 22 parallel hotlines (open now or not, and
// today's 15 s answer rate) and the linkage hotlines; then complete, three-way or cancel the
// attempt. A refused or failed transfer offers a ticket for the department instead.
import { api, post } from '/lib/api.js';
import { toast } from '/lib/toast.js';
import { formatRate, TRANSFER_KINDS, TRANSFER_RESULTS, TRANSFER_STATES, nameOf } from '/lib/format.js';

/** Every id a page asks for is in its HTML. @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @typedef {import('/lib/types.js').TransferTarget} TransferTarget */
/** @typedef {import('/lib/types.js').TransferAttempt} TransferAttempt */
/** @typedef {import('/lib/types.js').TicketPrefill} TicketPrefill */

/** @type {Array<[TransferTarget['mode'], string]>} */
const GROUPS = [
  ['emergency', '应急联动'],
  ['parallel', '并联热线（部门坐席）'],
  ['linkage', '联动呼转'],
];
const TARGET_RATE = 0.95;
const REFRESH_MS = 60_000;

/** @param {string} id */
const button = (id) => /** @type {HTMLButtonElement} */ ($(id));
const filterInput = () => /** @type {HTMLInputElement} */ ($('transfer-filter'));

export class TransferPanel {
  /** @param {{ onTicket: (prefill: TicketPrefill) => void }} handlers */
  constructor({ onTicket }) {
    this.onTicket = onTicket;
    /** @type {string | null} */
    this.callId = null;
    /** @type {TransferAttempt | null} */
    this.attempt = null;
    /** @type {TicketPrefill | null} */
    this.prefill = null;
    /** @type {TransferTarget[]} */
    this.targets = [];
    /** @type {number | undefined} */
    this.timer = undefined;
    /** the seat talks with its caller now (deskPhase): a new transfer may start */
    this.allowed = false;
    /** an emergency target pressed once, waiting for the second press that confirms it */
    /** @type {{ number: string, timer: number } | null} */
    this.confirming = null;
    $('transfer-filter').oninput = () => this.render();
    $('btn-transfer-complete').onclick = () => this.step('complete');
    $('btn-transfer-three-way').onclick = () => this.step('three-way');
    $('btn-transfer-cancel').onclick = () => this.step('cancel');
    $('btn-transfer-ticket').onclick = () => this.prefill && this.onTicket(this.prefill);
  }

  /** The targets with their hours and today's rates; kept fresh, since both change during a shift. */
  async load() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(), REFRESH_MS);
    try {
      this.targets = (await api('/api/transfer/targets')).items;
      this.render();
    } catch (err) {
      $('transfer-targets').textContent = `转接号码加载失败：${err.message}`;
    }
  }

  /** @param {string | null} callId */
  setCall(callId) {
    if (callId === this.callId) return;
    this.callId = callId;
    if (callId) this.show(null);
    this.render();
  }

  /** @param {boolean} allowed */
  setAllowed(allowed) {
    if (allowed === this.allowed) return;
    this.allowed = allowed;
    if (!allowed) this.unconfirm();
    this.enableTargets();
  }

  focus() {
    const firstOpen = /** @type {HTMLButtonElement | null} */ ($('transfer-targets').querySelector('button:not(:disabled)'));
    (firstOpen ?? filterInput()).focus();
  }

  render() {
    const filter = filterInput().value.trim();
    /** @param {TransferTarget} t */
    const match = (t) => !filter || t.number.includes(filter) || t.name.includes(filter) || (t.department_name ?? '').includes(filter);
    const sections = GROUPS.map(([mode, title]) => {
      const items = this.targets.filter((t) => t.mode === mode && match(t));
      if (!items.length) return null;
      const section = document.createElement('section');
      section.innerHTML = `<h3></h3><ul class="target-list"></ul>`;
      /** @type {HTMLElement} */ (section.querySelector('h3')).textContent = `${title}（${items.length}）`;
      /** @type {HTMLElement} */ (section.querySelector('ul')).append(...items.map((t) => this.targetItem(t)));
      return section;
    }).filter((s) => s !== null);
    $('transfer-targets').replaceChildren(...sections);
  }

  /** @param {TransferTarget} t */
  targetItem(t) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    /** @param {string} selector */
    const part = (selector) => /** @type {HTMLElement} */ (button.querySelector(selector));
    button.type = 'button';
    button.className = `target ${t.open ? 'open' : 'closed'}`;
    button.dataset.number = t.number;
    button.disabled = !this.canStart();
    const rate = t.today?.rate ?? null;
    button.innerHTML = `<span class="t-name"></span><span class="t-number"></span><span class="t-hours"></span><span class="t-rate"></span>`;
    part('.t-name').textContent = t.department_name ?? t.body ?? t.name;
    part('.t-number').textContent = `${t.number} ${t.name}`;
    const guess = t.hours_provisional ? '（暂定：当年节假日数据未录入）' : '';
    part('.t-hours').textContent = t.open ? `工作时间内${guess}` : `非工作时间${t.closed_reason ? `：${t.closed_reason}` : guess}`;
    const rateText = t.mode === 'parallel' ? `今日15秒接通率 ${formatRate(rate)}（${t.today?.answered_within_15s ?? 0}/${t.today?.counted ?? 0}）` : '';
    part('.t-rate').textContent = rateText;
    part('.t-rate').classList.toggle('below', rate !== null && rate < TARGET_RATE);
    button.setAttribute('aria-label', `转接 ${t.name} ${t.number}，${part('.t-hours').textContent}${rateText ? `，${rateText}` : ''}`);
    button.onclick = () => this.transfer(t);
    li.append(button);
    return li;
  }

  busy() {
    return !!this.attempt && ['ringing', 'consulting', 'three_way'].includes(this.attempt.state);
  }

  canStart() {
    return !!this.callId && this.allowed && !this.busy();
  }

  enableTargets() {
    for (const b of /** @type {NodeListOf<HTMLButtonElement>} */ ($('transfer-targets').querySelectorAll('button.target'))) b.disabled = !this.canStart();
  }

  /**
   * An emergency line (110, 119, 120, 122) takes the caller away at once: the first press (F8
   * then Enter lands on it) only asks, a second press within 5 s transfers, Esc or anything else
   * lets it go.
   * @param {TransferTarget} target
   */
  confirmed(target) {
    if (target.mode !== 'emergency' || this.confirming?.number === target.number) {
      this.unconfirm();
      return true;
    }
    this.unconfirm();
    const b = this.targetButton(target.number);
    if (!b) return false;
    b.classList.add('confirming');
    const ask = Object.assign(document.createElement('span'), { className: 't-confirm', textContent: `再按一次（Enter）确认转接 ${target.number}，Esc 取消` });
    b.append(ask);
    this.confirming = { number: target.number, timer: window.setTimeout(() => this.unconfirm(), 5000) };
    // a handler property that returns false cancels the key: Enter would no longer press the button
    b.onkeydown = (event) => {
      if (event.key === 'Escape') this.unconfirm();
    };
    b.onblur = () => this.unconfirm();
    return false;
  }

  unconfirm() {
    if (!this.confirming) return;
    clearTimeout(this.confirming.timer);
    const b = this.targetButton(this.confirming.number);
    this.confirming = null;
    if (!b) return;
    b.classList.remove('confirming');
    b.querySelector('.t-confirm')?.remove();
    b.onkeydown = null;
    b.onblur = null;
  }

  /** @param {string} number */
  targetButton(number) {
    return /** @type {HTMLButtonElement | null} */ ($('transfer-targets').querySelector(`button.target[data-number="${CSS.escape(number)}"]`));
  }

  /** @param {TransferTarget} target */
  async transfer(target) {
    if (!this.callId) return toast('当前没有通话，无法转接', { error: true });
    if (!this.allowed) return toast('当前状态不能转接：请在接通来电后再转', { error: true });
    if (!this.confirmed(target)) return;
    const kind = target.mode === 'emergency' ? 'blind' : /** @type {HTMLSelectElement} */ ($('transfer-kind')).value;
    try {
      const { attempt } = await post(`/api/calls/${encodeURIComponent(this.callId)}/transfer`, { hotline: target.number, kind });
      this.show({ ...attempt, name: target.name });
    } catch (err) {
      this.refused(target, err);
    }
  }

  /**
   * @param {TransferTarget} target
   * @param {import('/lib/api.js').ApiError} err
   */
  refused(target, err) {
    this.show(null);
    $('transfer-current').hidden = false;
    $('transfer-state').textContent = `${target.name}（${target.number}）：${err.message}`;
    this.offerTicket(err.body?.ticket_prefill ?? null);
    this.keepInView();
  }

  /** The status box stays where the agent looks, however far down the list the hotline was. */
  keepInView() {
    $('transfer-current').scrollIntoView({ block: 'nearest' });
  }

  /** @param {import('/lib/types.js').FeedMessage} message */
  applyFeed(message) {
    const attempt = message.attempt;
    if (message.call_id !== this.callId || !attempt) return;
    const name = this.targets.find((t) => t.number === attempt.hotline)?.name;
    this.show({ ...attempt, name, ticket_prefill: message.ticket_prefill ?? attempt.ticket_prefill });
    if (['completed', 'failed', 'cancelled'].includes(attempt.state)) void this.load();
  }

  /** @param {'complete' | 'three-way' | 'cancel'} action */
  async step(action) {
    if (!this.callId) return;
    try {
      const { attempt } = await post(`/api/calls/${encodeURIComponent(this.callId)}/transfer/${action}`);
      this.show({ .../** @type {TransferAttempt} */ (this.attempt), ...attempt });
    } catch (err) {
      toast(err.message, { error: true });
    }
  }

  /** @param {TransferAttempt | null} attempt */
  show(attempt) {
    this.attempt = attempt;
    const box = $('transfer-current');
    box.hidden = !attempt;
    this.offerTicket(attempt?.state === 'failed' ? (attempt.ticket_prefill ?? null) : null);
    if (attempt) {
      const result = attempt.state === 'failed' && attempt.result ? `（${nameOf(TRANSFER_RESULTS, attempt.result)}）` : '';
      $('transfer-state').textContent =
        `${nameOf(TRANSFER_KINDS, attempt.kind)} → ${attempt.name ?? ''} ${attempt.hotline}：${nameOf(TRANSFER_STATES, attempt.state)}${result}`;
    }
    // nothing in progress (none yet, refused, failed, over): nothing to complete, join or cancel
    const state = attempt?.state ?? null;
    button('btn-transfer-complete').disabled = !['consulting', 'three_way'].includes(state ?? '');
    button('btn-transfer-three-way').disabled = state !== 'consulting';
    button('btn-transfer-cancel').disabled = !['ringing', 'consulting'].includes(state ?? '');
    this.enableTargets();
    if (attempt) this.keepInView();
  }

  /** @param {TicketPrefill | null} prefill */
  offerTicket(prefill) {
    this.prefill = prefill;
    $('btn-transfer-ticket').hidden = !prefill;
  }
}
