// @ts-check
// The ticket form (工单登记): pre-filled from the call on the seat (caller, call id, origin
// hotline and its department), or from a refused or failed transfer (the department the caller
// wanted); submitting registers the ticket and dispatches it when a department is chosen.
import { post } from '/lib/api.js';
import { formatDateTime } from '/lib/format.js';

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
  /** @param {import('/lib/types.js').Department[]} departments */
  constructor(departments) {
    this.form = /** @type {HTMLFormElement} */ ($('ticket-form'));
    this.fields = /** @type {TicketFields} */ (/** @type {unknown} */ (this.form.elements));
    const select = this.fields.department;
    select.append(...departments.map((d) => new Option(`${d.name}（${d.hotlines.join('、') || '无热线'}）`, d.id)));
    this.departmentNames = new Map(departments.map((d) => [d.id, d.name]));
    this.form.onsubmit = (event) => {
      event.preventDefault();
      void this.submit();
    };
    this.form.onreset = () => {
      $('ticket-prefill-note').hidden = true;
      $('ticket-result').textContent = '';
    };
  }

  /** @param {import('/lib/types.js').CallRecord} call */
  fromCall(call) {
    this.form.reset();
    this.set({ caller: call.caller, call_id: call.id, origin_hotline: call.origin_hotline ?? '', department: call.department ?? '' });
    this.note(`已按来电预填：${call.caller}${call.origin_hotline ? `，来源热线 ${call.origin_hotline}` : ''}`);
  }

  /** From a transfer the department could not take: the ticket goes to that department instead. */
  /** @param {import('/lib/types.js').TicketPrefill} p */
  prefill(p) {
    this.set({ caller: p.caller, call_id: p.call_id ?? '', origin_hotline: p.origin_hotline ?? '', department: p.department ?? '', content: p.content ?? '' });
    this.note(`转接未成功，已预填派发至${this.departmentNames.get(p.department ?? '') ?? '该部门'}的工单，请补充诉求后提交。`);
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
      this.fields.content.value = '';
      this.fields.classification.value = '';
      this.fields.call_id.value = callId;
    } catch (err) {
      result.className = 'error';
      result.textContent = `提交失败：${err.message}`;
      const byName = /** @type {Record<string, HTMLElement | undefined>} */ (/** @type {unknown} */ (this.fields));
      if (err.field) byName[err.field.replace(/^body\./, '').replace('dispatch_to', 'department')]?.focus();
    }
  }
}
