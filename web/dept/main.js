// @ts-check
// The department page (部门手机端): a phone-sized list of the department's open tickets, worst
// light and nearest deadline first; a ticket's page to sign, reply with photos, return or ask
// for more time; the head's overview and overdue list. Plain DOM and fetch only, so it runs in
// WeChat's built-in browser as well as in a phone's own.
import { signIn, logout } from '/lib/session.js';
import { api } from '/lib/api.js';
import { formatDateTime, nameOf, LIGHT_NAMES, STATUS_NAMES, TICKET_TYPES } from '/lib/format.js';
import { TicketView } from './ticket-view.js';

/** Every id a page asks for is in its HTML. @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @typedef {import('/lib/types.js').Ticket} Ticket */

/** @type {Record<Ticket['light'], number>} */
const LIGHT_RANK = { red: 0, yellow: 1, green: 2 };
const REFRESH_MS = 60_000;

const user = await signIn({ roles: ['dept_handler', 'dept_head'], title: '部门工单登录', onExpired: () => location.reload() });
/** @type {import('/lib/types.js').Department[]} */
const departments = await api('/api/departments');
const department = departments.find((d) => d.id === user.department);
$('who').textContent = `${department?.name ?? user.department} · ${user.display_name}`;
$('tab-overview').hidden = user.role !== 'dept_head';
$('btn-logout').onclick = async () => {
  await logout();
  location.reload();
};
const ticketView = new TicketView({ done: () => (location.hash = '#todo') });

/**
 * The clock that runs now: signing before signed, resolving after.
 * @param {Ticket} t
 */
const dueOf = (t) => (t.status === 'dispatched' ? t.sign_due_at : t.resolve_due_at);
/**
 * @param {Ticket} a
 * @param {Ticket} b
 */
const byLightThenDue = (a, b) => LIGHT_RANK[a.light] - LIGHT_RANK[b.light] || Date.parse(dueOf(a) ?? '0') - Date.parse(dueOf(b) ?? '0');

/** @param {Ticket} t */
function card(t) {
  const li = document.createElement('li');
  const a = document.createElement('a');
  /** @param {string} selector */
  const part = (selector) => /** @type {HTMLElement} */ (a.querySelector(selector));
  a.href = `#t/${t.id}`;
  a.className = `card ${t.light}`;
  a.innerHTML = '<span class="light"></span><strong class="title"></strong><span class="due"></span><span class="excerpt"></span>';
  part('.light').classList.add(t.light);
  part('.light').textContent = nameOf(LIGHT_NAMES, t.light);
  part('.title').textContent = `#${t.id} ${nameOf(TICKET_TYPES, t.type)} · ${nameOf(STATUS_NAMES, t.status)}`;
  part('.due').textContent = `${t.status === 'dispatched' ? '签收时限' : '办结时限'} ${formatDateTime(dueOf(t))}${t.deadline_provisional ? '（暂定）' : ''}`;
  part('.excerpt').textContent = t.content;
  li.append(a);
  return li;
}

async function showTodo() {
  /** @type {{ items: Ticket[] }} */
  const { items } = await api('/api/tickets?status=dispatched,signed&limit=200');
  items.sort(byLightThenDue);
  $('todo-list').replaceChildren(...items.map(card));
  $('todo-empty').hidden = items.length > 0;
  $('todo-count').textContent = items.length ? `(${items.length})` : '';
}

async function showOverview() {
  /** @type {[import('/lib/types.js').TicketSummary, { items: Ticket[] }]} */
  const [summary, overdue] = await Promise.all([api('/api/tickets/summary'), api('/api/tickets?status=dispatched,signed&light=red&limit=200')]);
  for (const light of /** @type {const} */ (['red', 'yellow', 'green'])) $(`sum-${light}`).textContent = String(summary.open_by_light[light]);
  $('sum-status').replaceChildren(
    ...Object.entries(summary.by_status).map(([status, n]) => {
      const tr = document.createElement('tr');
      tr.innerHTML = '<th></th><td></td>';
      /** @type {HTMLElement} */ (tr.firstChild).textContent = nameOf(STATUS_NAMES, status);
      /** @type {HTMLElement} */ (tr.lastChild).textContent = String(n);
      return tr;
    }),
  );
  overdue.items.sort(byLightThenDue);
  $('overdue-list').replaceChildren(...overdue.items.map(card));
  $('overdue-empty').hidden = overdue.items.length > 0;
}

async function route() {
  const hash = location.hash || '#todo';
  const ticketId = /^#t\/(\d+)$/.exec(hash)?.[1];
  const view = ticketId ? 'ticket' : hash === '#overview' && user.role === 'dept_head' ? 'overview' : 'todo';
  for (const name of ['todo', 'ticket', 'overview']) $(`view-${name}`).hidden = name !== view;
  $('tab-todo').setAttribute('aria-current', String(view === 'todo'));
  $('tab-overview').setAttribute('aria-current', String(view === 'overview'));
  if (view === 'ticket') await ticketView.show(Number(ticketId));
  else if (view === 'overview') await showOverview();
  else await showTodo();
  scrollTo(0, 0);
}

addEventListener('hashchange', () => void route());
// departments get no live feed, so the list refreshes on return to the page and once a minute
document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && !$('view-todo').hidden && void showTodo());
setInterval(() => !$('view-todo').hidden && void showTodo(), REFRESH_MS);
await route();
