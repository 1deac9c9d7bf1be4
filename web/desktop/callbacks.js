// @ts-check
// The missed-call call-back list (漏接回拨): callers who chose a call-back or left a message
// (留言) rather than wait on.
// It changes when a caller leaves the queue, so queue messages on the feed trigger a reload.
import { api, post } from '/lib/api.js';
import { toast } from '/lib/toast.js';
import { formatDateTime, LINE_NAMES, nameOf } from '/lib/format.js';

/** Every id a page asks for is in its HTML. @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @typedef {import('/lib/types.js').Callback} Callback */

export class CallbackList {
  /** @type {number | undefined} */
  timer = undefined;

  async load() {
    /** @type {{ items: Callback[] }} */
    const { items } = await api('/api/callbacks');
    $('callbacks-empty').hidden = items.length > 0;
    $('callback-list').replaceChildren(...items.map((c) => this.row(c)));
  }

  /** Many queue changes arrive together; one reload covers them. */
  soon() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load().catch(() => {}), 1000);
  }

  /** @param {Callback} c */
  row(c) {
    const tr = document.createElement('tr');
    const message = c.message ? `留言 ${c.message.seconds} 秒` : '—';
    for (const text of [formatDateTime(c.requested_at), c.caller, c.line ? nameOf(LINE_NAMES, c.line) : '—', message])
      tr.append(Object.assign(document.createElement('td'), { textContent: text }));
    const done = Object.assign(document.createElement('button'), { type: 'button', textContent: '已回拨' });
    done.setAttribute('aria-label', `已回拨 ${c.caller}`);
    done.onclick = async () => {
      try {
        await post(`/api/callbacks/${c.id}/done`);
        tr.remove();
        toast(`${c.caller} 已标记为已回拨`);
      } catch (err) {
        toast(err.message, { error: true });
      }
    };
    const td = document.createElement('td');
    td.append(done);
    tr.append(td);
    return tr;
  }
}
