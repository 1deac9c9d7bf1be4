// One-key transfer (一键转接): emergency lines, the 22 parallel hotlines (open now or not, and
// today's 15 s answer rate) and the linkage hotlines; then complete, three-way or cancel the
// attempt. A refused or failed transfer offers a ticket for the department instead.
import { api, post } from '/lib/api.js';
import { toast } from '/lib/toast.js';
import { formatRate, TRANSFER_KINDS, TRANSFER_RESULTS, TRANSFER_STATES, nameOf } from '/lib/format.js';

const $ = (id) => document.getElementById(id);
const GROUPS = [
  ['emergency', '应急联动'],
  ['parallel', '并联热线（部门坐席）'],
  ['linkage', '联动呼转'],
];
const TARGET_RATE = 0.95;
const REFRESH_MS = 60_000;

export class TransferPanel {
  constructor({ onTicket }) {
    this.onTicket = onTicket;
    this.callId = null;
    this.attempt = null;
    this.prefill = null;
    this.targets = [];
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

  setCall(callId) {
    if (callId === this.callId) return;
    this.callId = callId;
    if (callId) this.show(null);
    this.render();
  }

  focus() {
    ($('transfer-targets').querySelector('button:not(:disabled)') ?? $('transfer-filter')).focus();
  }

  render() {
    const filter = $('transfer-filter').value.trim();
    const match = (t) => !filter || t.number.includes(filter) || t.name.includes(filter) || (t.department_name ?? '').includes(filter);
    const sections = GROUPS.map(([mode, title]) => {
      const items = this.targets.filter((t) => t.mode === mode && match(t));
      if (!items.length) return null;
      const section = document.createElement('section');
      section.innerHTML = `<h3></h3><ul class="target-list"></ul>`;
      section.querySelector('h3').textContent = `${title}（${items.length}）`;
      section.querySelector('ul').append(...items.map((t) => this.targetItem(t)));
      return section;
    }).filter(Boolean);
    $('transfer-targets').replaceChildren(...sections);
  }

  targetItem(t) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `target ${t.open ? 'open' : 'closed'}`;
    button.dataset.number = t.number;
    button.disabled = !this.callId || this.busy();
    const rate = t.today?.rate ?? null;
    button.innerHTML = `<span class="t-name"></span><span class="t-number"></span><span class="t-hours"></span><span class="t-rate"></span>`;
    button.querySelector('.t-name').textContent = t.department_name ?? t.body ?? t.name;
    button.querySelector('.t-number').textContent = `${t.number} ${t.name}`;
    const guess = t.hours_provisional ? '（暂定：当年节假日数据未录入）' : '';
    button.querySelector('.t-hours').textContent = t.open ? `工作时间内${guess}` : `非工作时间${t.closed_reason ? `：${t.closed_reason}` : guess}`;
    const rateText = t.mode === 'parallel' ? `今日15秒接通率 ${formatRate(rate)}（${t.today?.answered_within_15s ?? 0}/${t.today?.counted ?? 0}）` : '';
    button.querySelector('.t-rate').textContent = rateText;
    button.querySelector('.t-rate').classList.toggle('below', rate !== null && rate < TARGET_RATE);
    button.setAttribute('aria-label', `转接 ${t.name} ${t.number}，${button.querySelector('.t-hours').textContent}${rateText ? `，${rateText}` : ''}`);
    button.onclick = () => this.transfer(t);
    li.append(button);
    return li;
  }

  busy() {
    return this.attempt && ['ringing', 'consulting', 'three_way'].includes(this.attempt.state);
  }

  async transfer(target) {
    if (!this.callId) return toast('当前没有通话，无法转接', { error: true });
    const kind = target.mode === 'emergency' ? 'blind' : $('transfer-kind').value;
    try {
      const { attempt } = await post(`/api/calls/${encodeURIComponent(this.callId)}/transfer`, { hotline: target.number, kind });
      this.show({ ...attempt, name: target.name });
    } catch (err) {
      this.refused(target, err);
    }
  }

  refused(target, err) {
    this.show(null);
    $('transfer-current').hidden = false;
    $('transfer-state').textContent = `${target.name}（${target.number}）：${err.message}`;
    this.offerTicket(err.body?.ticket_prefill ?? null);
  }

  applyFeed(message) {
    if (message.call_id !== this.callId || !message.attempt) return;
    const name = this.targets.find((t) => t.number === message.attempt.hotline)?.name;
    this.show({ ...message.attempt, name, ticket_prefill: message.ticket_prefill ?? message.attempt.ticket_prefill });
    if (['completed', 'failed', 'cancelled'].includes(message.attempt.state)) void this.load();
  }

  async step(action) {
    if (!this.callId) return;
    try {
      const { attempt } = await post(`/api/calls/${encodeURIComponent(this.callId)}/transfer/${action}`);
      this.show({ ...this.attempt, ...attempt });
    } catch (err) {
      toast(err.message, { error: true });
    }
  }

  show(attempt) {
    this.attempt = attempt;
    const box = $('transfer-current');
    box.hidden = !attempt;
    this.offerTicket(attempt?.state === 'failed' ? (attempt.ticket_prefill ?? null) : null);
    if (attempt) {
      const result = attempt.state === 'failed' && attempt.result ? `（${nameOf(TRANSFER_RESULTS, attempt.result)}）` : '';
      $('transfer-state').textContent = `${nameOf(TRANSFER_KINDS, attempt.kind)} → ${attempt.name ?? ''} ${attempt.hotline}：${nameOf(TRANSFER_STATES, attempt.state)}${result}`;
      $('btn-transfer-complete').disabled = !['consulting', 'three_way'].includes(attempt.state);
      $('btn-transfer-three-way').disabled = attempt.state !== 'consulting';
      $('btn-transfer-cancel').disabled = !['ringing', 'consulting'].includes(attempt.state);
    }
    for (const b of $('transfer-targets').querySelectorAll('button.target')) b.disabled = !this.callId || this.busy();
  }

  offerTicket(prefill) {
    this.prefill = prefill;
    $('btn-transfer-ticket').hidden = !prefill;
  }
}
