// @ts-check
// The ticket form (工单登记): pre-filled from the call on the seat (caller, call id, origin
// hotline and its department), or from a refused or failed transfer (the department the caller
// wanted); submitting registers the ticket and dispatches it when a department is chosen.
// Nothing typed is lost (drafts.js): a new call does not replace an unsent draft of another
// call (the form offers to switch, keeping the draft), a transfer's ticket offer is added to
// what was typed, and a reload brings the drafts back.
import { post } from '/lib/api.js';
import { formatDateTime } from '/lib/format.js';
import { Drafts } from './drafts.js';

/** Every id a page asks for is in its HTML. @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * The form's controls by name (web/desktop/index.html).
 * @typedef {object} TicketFields
 * @property {HTMLInputElement} caller
 * @property {HTMLSelectElement} type
 * @property {HTMLSelectElement} department
 * @property {HTMLInputElement} classification
 * @property {HTMLTextAreaElement} content
 * @property {HTMLInputElement} confidential
 * @property {HTMLInputElement} call_id
 * @property {HTMLInputElement} origin_hotline
 */

export class TicketForm {
  /**
   * @param {import('/lib/types.js').Department[]} departments
   * @param {string} owner whose drafts these are (the username)
   */
  constructor(departments, owner) {
    this.form = /** @type {HTMLFormElement} */ ($('ticket-form'));
    this.fields = /** @type {TicketFields} */ (/** @type {unknown} */ (this.form.elements));
    this.drafts = new Drafts(owner);
    /** a call that popped while the form held another call's draft: registered for next */
    /** @type {import('/lib/types.js').CallRecord | null} */
    this.waiting = null;
    const select = this.fields.department;
    select.append(...departments.map((d) => new Option(`${d.name}（${d.hotlines.join('、') || '无热线'}）`, d.id)));
    this.departmentNames = new Map(departments.map((d) => [d.id, d.name]));
    this.form.onsubmit = (event) => {
      event.preventDefault();
      void this.submit();
    };
    // 清空 is the operator throwing the draft away on purpose; a reset of ours (another call or
    // draft on the form) keeps it
    /** @type {HTMLButtonElement} */ (this.form.querySelector('button[type=reset]')).onclick = () => this.drafts.remove(this.fields.call_id.value);
    this.form.onreset = () => {
      $('ticket-prefill-note').hidden = true;
      $('ticket-result').textContent = '';
      setTimeout(() => this.listDrafts());
    };
    this.form.oninput = () => this.save();
    this.form.onchange = () => this.save();
    $('btn-ticket-switch').onclick = () => this.waiting && this.open(this.waiting);
    this.listDrafts();
  }

  /** Unsent text on the form: what a draft is worth keeping for. */
  typed() {
    return this.fields.content.value.trim() !== '' || this.fields.classification.value.trim() !== '';
  }

  /** @returns {import('./drafts.js').Draft} */
  values() {
    const f = this.fields;
    return {
      caller: f.caller.value,
      type: f.type.value,
      department: f.department.value,
      classification: f.classification.value,
      content: f.content.value,
      confidential: f.confidential.checked,
      call_id: f.call_id.value,
      origin_hotline: f.origin_hotline.value,
      saved_ms: Date.now(),
    };
  }

  save() {
    if (this.typed()) this.drafts.put(this.fields.call_id.value, this.values());
    else this.drafts.remove(this.fields.call_id.value);
  }

  /**
   * A call popped on the seat. The form takes it unless it holds an unsent draft of another
   * call: then the draft stays where it is and the form offers to switch.
   * @param {import('/lib/types.js').CallRecord} call
   */
  fromCall(call) {
    if (this.typed() && this.fields.call_id.value !== call.id) {
      this.save();
      this.waiting = call;
      $('ticket-switch-note').textContent = `新来电 ${call.caller} 已接通；表单中是上一通来电未提交的草稿。`;
      $('ticket-switch').hidden = false;
      return;
    }
    this.open(call);
  }

  /**
   * The form for this call: its own draft if it has one, else filled from the call. The draft on
   * the form before is kept (saved, and listed).
   * @param {import('/lib/types.js').CallRecord} call
   */
  open(call) {
    this.save();
    this.waiting = null;
    $('ticket-switch').hidden = true;
    this.form.reset();
    const draft = this.drafts.get(call.id);
    if (draft) {
      this.restore(draft);
      this.note(`已恢复本通来电未提交的草稿（${formatDateTime(new Date(draft.saved_ms).toISOString())}）`);
    } else {
      this.set({ caller: call.caller, call_id: call.id, origin_hotline: call.origin_hotline ?? '', department: call.department ?? '' });
      this.note(`已按来电预填：${call.caller}${call.origin_hotline ? `，来源热线 ${call.origin_hotline}` : ''}`);
    }
    this.listDrafts();
  }

  /** @param {import('./drafts.js').Draft} d */
  restore(d) {
    const { saved_ms: _, confidential, ...text } = d;
    this.set(text);
    this.fields.confidential.checked = confidential;
  }

  /** The other calls' drafts, each a button that brings it back to the form. */
  listDrafts() {
    const here = this.fields.call_id.value;
    const others = Object.entries(this.drafts.all())
      .filter(([id]) => id !== here)
      .sort(([, a], [, b]) => b.saved_ms - a.saved_ms);
    const list = $('ticket-drafts');
    list.hidden = others.length === 0;
    list.replaceChildren(
      Object.assign(document.createElement('span'), { textContent: `未提交的草稿（${others.length}）：` }),
      ...others.map(([id, d]) => {
        const b = Object.assign(document.createElement('button'), {
          type: 'button',
          className: 'draft',
          textContent: `${d.caller || '无来电'} · ${d.content.trim().slice(0, 12) || d.classification}`,
        });
        b.dataset.callId = id;
        b.onclick = () => this.reopen(id);
        return b;
      }),
    );
  }

  /** @param {string} id */
  reopen(id) {
    const draft = this.drafts.get(id);
    if (!draft) return this.listDrafts();
    this.save();
    this.form.reset();
    this.restore(draft);
    this.note('已恢复草稿，请补充后提交');
    this.listDrafts();
    this.focus();
  }

  /**
   * From a transfer the department could not take: the ticket goes to that department instead.
   * What the agent typed for this call stays; the offer's text is added after it.
   * @param {import('/lib/types.js').TicketPrefill} p
   */
  prefill(p) {
    const sameCall = this.fields.call_id.value === (p.call_id ?? '');
    if (!sameCall) {
      this.save();
      this.form.reset();
    }
    const typed = sameCall ? this.fields.content.value.trim() : '';
    const offered = p.content ?? '';
    const content = typed && !typed.includes(offered) ? `${typed}\n${offered}` : typed || offered;
    this.set({ caller: p.caller, call_id: p.call_id ?? '', origin_hotline: p.origin_hotline ?? '', department: p.department ?? '', content });
    this.save();
    this.note(
      `转接未成功，已预填派发至${this.departmentNames.get(p.department ?? '') ?? '该部门'}的工单${typed ? '（已保留您输入的内容）' : ''}，请补充诉求后提交。`,
    );
    this.listDrafts();
    this.focus();
  }

  /** @param {Partial<Record<keyof TicketFields, string>>} values */
  set(values) {
    const fields = /** @type {Record<string, { value: string }>} */ (/** @type {unknown} */ (this.fields));
    for (const [name, value] of Object.entries(values)) fields[name].value = value;
  }

  /** @param {string} text */
  note(text) {
    $('ticket-prefill-note').textContent = text;
    $('ticket-prefill-note').hidden = false;
  }

  focus() {
    this.fields.content.focus();
  }

  body() {
    const f = this.fields;
    /** @param {'classification' | 'call_id' | 'origin_hotline'} name */
    const optional = (name) => (f[name].value.trim() ? { [name]: f[name].value.trim() } : {});
    return {
      type: f.type.value,
      caller: f.caller.value.trim(),
      content: f.content.value.trim(),
      confidential: f.confidential.checked,
      ...optional('classification'),
      ...optional('call_id'),
      ...optional('origin_hotline'),
      ...(f.department.value ? { dispatch_to: f.department.value } : {}),
    };
  }

  async submit() {
    const result = $('ticket-result');
    result.className = '';
    try {
      /** @type {import('/lib/types.js').Ticket} */
      const t = await post('/api/tickets', this.body());
      const due = t.resolve_due_at ? `，办结时限 ${formatDateTime(t.resolve_due_at)}${t.deadline_provisional ? '（暂定：节假日安排未录入）' : ''}` : '';
      result.textContent = `工单 #${t.id} 已登记${t.department_name ? `，已派发至${t.department_name}` : ''}（${t.status_name}）${due}`;
      const callId = this.fields.call_id.value;
      this.drafts.remove(callId);
      this.fields.content.value = '';
      this.fields.classification.value = '';
      this.fields.call_id.value = callId;
      // the call that popped meanwhile is next
      if (this.waiting) this.open(this.waiting);
      else this.listDrafts();
    } catch (err) {
      result.className = 'error';
      result.textContent = `提交失败：${err.message}`;
      const byName = /** @type {Record<string, HTMLElement | undefined>} */ (/** @type {unknown} */ (this.fields));
      if (err.field) byName[err.field.replace(/^body\./, '').replace('dispatch_to', 'department')]?.focus();
    }
  }
}
