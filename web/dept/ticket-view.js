// @ts-check
// One ticket on the department page and what the user may do with it now (the API's
// allowed_actions): 签收, 答复 with photos, 申请延期, 退单, and 督办 for the head. Each action sends the version the
// user saw, so a ticket changed meanwhile is refused rather than overwritten.
import { api, post } from '/lib/api.js';
import { currentToken } from '/lib/session.js';
import { toast } from '/lib/toast.js';
import { formatDateTime, nameOf, LIGHT_NAMES, STATUS_NAMES, TICKET_TYPES } from '/lib/format.js';
import { photoUpload } from './photos.js';

/** Every id a page asks for is in its HTML. @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @typedef {import('/lib/types.js').Ticket} Ticket */

/** @param {string} id */
const form = (id) => /** @type {HTMLFormElement} */ ($(id));
/**
 * A form's control by name.
 * @param {HTMLFormElement} f
 * @param {string} name
 */
const field = (f, name) => /** @type {HTMLInputElement} */ (f.elements.namedItem(name));

export class TicketView {
  /** @param {{ done: () => void }} handlers */
  constructor({ done }) {
    this.done = done;
    /** @type {Ticket | null} */
    this.ticket = null;
    $('btn-sign').onclick = () => this.act('sign', {}, '已签收');
    this.onSubmit('form-reply', (f) => this.reply(f));
    this.onSubmit('form-extension', (f) =>
      this.act('extension', { days: Number(field(f, 'days').value), reason: field(f, 'reason').value.trim() }, '延期申请已提交'),
    );
    this.onSubmit('form-return', (f) => this.act('return', { reason: field(f, 'reason').value.trim() }, '已退单'));
    // a department head may press their own department's open tickets (督办); the server offers it
    this.onSubmit('form-supervise', (f) => this.act('supervise', { note: field(f, 'note').value.trim() }, '已督办'));
    const photos = field(form('form-reply'), 'photos');
    photos.onchange = () => this.preview(photos.files ?? []);
  }

  /** The ticket on screen: its buttons and forms show only after show() has read one. */
  current() {
    return /** @type {Ticket} */ (this.ticket);
  }

  /**
   * @param {string} id
   * @param {(form: HTMLFormElement) => Promise<unknown>} handler
   */
  onSubmit(id, handler) {
    const f = form(id);
    f.onsubmit = (event) => {
      event.preventDefault();
      void handler(f);
    };
  }

  /** @param {number} id */
  async show(id) {
    $('ticket-error').textContent = '';
    /** @type {Ticket} */
    const t = await api(`/api/tickets/${id}`);
    this.ticket = t;
    $('ticket-heading').textContent = `工单 #${t.id} · ${nameOf(TICKET_TYPES, t.type)}`;
    $('ticket-light').className = `light ${t.light}`;
    $('ticket-light').textContent = nameOf(LIGHT_NAMES, t.light);
    $('ticket-status').textContent = nameOf(STATUS_NAMES, t.status);
    this.facts(t);
    $('ticket-content').textContent = t.content;
    void this.attachments(t);
    const allowed = new Set(t.allowed_actions);
    $('act-sign').hidden = !allowed.has('sign');
    $('form-reply').hidden = !allowed.has('reply');
    $('form-extension').hidden = !allowed.has('request_extension');
    $('form-return').hidden = !allowed.has('return');
    $('form-supervise').hidden = !allowed.has('supervise');
    for (const id of ['form-reply', 'form-extension', 'form-return', 'form-supervise']) form(id).reset();
    $('photo-previews').replaceChildren();
  }

  /** @param {Ticket} t */
  facts(t) {
    // 暂定: the deadline reaches a year whose holidays are not entered yet (weekday rule); it
    // is recomputed, and may move, once the centre enters them.
    const guess = t.deadline_provisional ? '（暂定：节假日安排未录入，录入后可能调整）' : '';
    const rows = [
      ['来电号码', t.confidential ? '保密工单，不显示' : (t.caller ?? '—')],
      ['来源热线', t.origin_hotline ?? '12345'],
      ['分类', t.classification ?? '—'],
      ['派单时间', formatDateTime(t.dispatched_at)],
      ['签收时限', t.signed_at ? `已于 ${formatDateTime(t.signed_at)} 签收` : formatDateTime(t.sign_due_at) + guess],
      ['办结时限', formatDateTime(t.resolve_due_at) + (t.extension_days ? `（已延期 ${t.extension_days} 个工作日）` : '') + guess],
    ];
    $('ticket-facts').replaceChildren(
      ...rows.flatMap(([k, v]) => [
        Object.assign(document.createElement('dt'), { textContent: k }),
        Object.assign(document.createElement('dd'), { textContent: v }),
      ]),
    );
  }

  /** Images need the bearer token, which an <img src> cannot send: fetched, then shown as blobs. */
  /** @param {Ticket} t */
  async attachments(t) {
    const items = await Promise.all(
      (t.attachments ?? []).map(async (a) => {
        const li = document.createElement('li');
        if (a.mime.startsWith('image/')) {
          const res = await fetch(`/api/tickets/${t.id}/attachments/${a.id}`, { headers: { authorization: `Bearer ${currentToken()}` } });
          const img = Object.assign(document.createElement('img'), { alt: a.filename, src: URL.createObjectURL(await res.blob()) });
          li.append(img);
        } else li.textContent = a.filename;
        return li;
      }),
    );
    $('ticket-attachments').replaceChildren(...items);
  }

  /** @param {FileList | File[]} files */
  preview(files) {
    $('photo-previews').replaceChildren(
      ...[...files].map((f) => {
        const li = document.createElement('li');
        li.append(Object.assign(document.createElement('img'), { alt: f.name, src: URL.createObjectURL(f) }));
        return li;
      }),
    );
  }

  /** @param {HTMLFormElement} form */
  async reply(form) {
    const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
    button.disabled = true;
    try {
      for (const file of field(form, 'photos').files ?? []) await post(`/api/tickets/${this.current().id}/attachments`, await photoUpload(file));
      await this.act('reply', { text: field(form, 'text').value.trim() }, '答复已提交');
    } catch (err) {
      $('ticket-error').textContent = `上传失败：${err.message}`;
    } finally {
      button.disabled = false;
    }
  }

  /**
   * @param {'sign' | 'reply' | 'extension' | 'return' | 'supervise'} path
   * @param {Record<string, unknown>} body
   * @param {string} doneText
   */
  async act(path, body, doneText) {
    $('ticket-error').textContent = '';
    try {
      await post(`/api/tickets/${this.current().id}/${path}`, { version: this.current().version, ...body });
      toast(doneText);
      if (path === 'sign' || path === 'supervise') await this.show(this.current().id);
      else this.done();
    } catch (err) {
      $('ticket-error').textContent = err.message;
      if (err.code === 'CTI_TICKET_VERSION_CONFLICT') await this.show(this.current().id);
    }
  }
}
