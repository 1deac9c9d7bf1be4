// @ts-check
// The agent desktop (坐席工作台): wires the seat, the call pop, the ticket form, the transfer
// panel and the call-back list to the live feed. Everything after login arrives over the
// WebSocket, so the page runs a whole shift without a reload.
import { signIn } from '/lib/session.js';
import { api } from '/lib/api.js';
import { openFeed } from '/lib/feed.js';
import { toast } from '/lib/toast.js';
import { formatTime, ROLE_NAMES } from '/lib/format.js';
import { SeatControl } from './seat.js';
import { CallPop } from './call-pop.js';
import { TicketForm } from './ticket-form.js';
import { TransferPanel } from './transfer-panel.js';
import { CallbackList } from './callbacks.js';
import { deskPhase } from './call-phase.js';

/** Every id a page asks for is in its HTML. @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

startClock();
const user = await signIn({ roles: ['agent', 'supervisor'], title: '12345 坐席登录', onExpired: () => location.reload() });
$('who').textContent = `${user.display_name}（${ROLE_NAMES[user.role]}）`;

const ticketForm = new TicketForm(await api('/api/departments'), user.username);
const callPop = new CallPop();
const transfers = new TransferPanel({ onTicket: (prefill) => ticketForm.prefill(prefill) });
const callbacks = new CallbackList();
/** the switch's truth about the seat's call: the seat's state, and the talk's phase as last heard */
const truth = { seat: /** @type {string | null} */ (null), talk: /** @type {string | null} */ (null) };
const seat = new SeatControl(user, {
  onCall: showCall,
  onState: (state) => {
    truth.seat = state;
    showPhase();
  },
});
// before any wait: a key pressed as soon as the seat shows must not be lost
bindKeys();
await seat.takeSeat();
$('desk').hidden = false;
// one area failing to load must not keep the rest of the desk (and the feed) from starting
await Promise.allSettled([transfers.load(), callbacks.load().catch((err) => toast(`回拨列表加载失败：${err.message}`, { error: true }))]);

openFeed(route, (up) => {
  $('feed-status').textContent = up ? '● 实时连接' : '○ 正在重连…';
  $('feed-status').classList.toggle('down', !up);
});

/** @param {import('/lib/types.js').FeedMessage} message */
function route(message) {
  if (message.type === 'hello' || message.type === 'agents') seat.applyAgents(message.agents ?? message.items);
  else if (message.type === 'transfer') {
    transfers.applyFeed(message);
    callPop.applyPhase(message);
    if (message.phase && message.call_id === seat.callId) {
      truth.talk = message.phase;
      showPhase();
    }
  } else if (message.type === 'queues') callbacks.soon();
  else if (message.type === 'notice' && message.seat === seat.id) toast(message.message ?? '');
}

/** A new call on the seat pops; when it ends the pop stays, so the ticket can be finished. */
/** @param {string | null} callId */
async function showCall(callId) {
  truth.talk = null;
  transfers.setCall(callId);
  showPhase();
  if (!callId) return callPop.ended();
  const call = await callPop.show(callId);
  ticketForm.fromCall(call);
}

/** The pop's heading and which of hold and transfer are offered, from the switch's truth. */
function showPhase() {
  const phase = deskPhase(truth.seat, truth.talk);
  callPop.setPhase(phase);
  transfers.setAllowed(phase.canTransfer);
}

function startClock() {
  const tick = () => ($('clock').textContent = formatTime(new Date()));
  tick();
  setInterval(tick, 1000);
}

function bindKeys() {
  document.addEventListener('keydown', (event) => {
    /** @type {Record<string, () => unknown>} */
    const keys = {
      F2: () => seat.ready(),
      F3: () => seat.takeBreak(),
      F4: () => ticketForm.focus(),
      F8: () => transfers.focus(),
      F9: () => callPop.toggleHold(),
    };
    const action = keys[event.key];
    if (!action || event.ctrlKey || event.altKey || event.metaKey) return;
    event.preventDefault();
    void action();
  });
}
