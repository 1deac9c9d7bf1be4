// @ts-check
// The operator's seat: taking one (or finding the one already held, after a reload), and the
// state buttons 示闲 / 小休 / 退出. The state itself is whatever the live feed says.
import { api, post } from '/lib/api.js';
import { toast } from '/lib/toast.js';

/** Every id a page asks for is in its HTML. @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const SEAT_KEY = 'cti.desktop.seat';

/** @typedef {import('/lib/types.js').Agent} Agent */
/** @typedef {'ready' | 'break' | 'logout'} SeatAction */

// which buttons make sense in which state (the server refuses the rest anyway)
/** @type {Record<SeatAction, string[]>} */
const ENABLED = {
  ready: ['break', 'wrap_up'],
  break: ['available', 'wrap_up', 'break', 'ringing', 'on_call'],
  logout: ['available', 'break', 'wrap_up'],
};

/** @type {Record<SeatAction, string>} */
const ACTION_NAMES = { ready: '示闲', break: '小休', logout: '退出坐席' };

export class SeatControl {
  /**
   * @param {import('/lib/types.js').User} user
   * @param {{ onCall: (callId: string | null) => unknown, onState: (state: string) => unknown }} handlers
   */
  constructor(user, { onCall, onState }) {
    this.user = user;
    this.onCall = onCall;
    this.onState = onState;
    /** @type {string | null} */
    this.id = null;
    /** @type {string | null} */
    this.state = null;
    /** @type {string | null} */
    this.callId = null;
    $('btn-ready').onclick = () => this.ready();
    $('btn-break').onclick = () => this.takeBreak();
    $('btn-logout').onclick = () => this.leave();
  }

  /** Resolves once this user holds a seat: the one held already, or one picked in the form. */
  /** @returns {Promise<Agent>} */
  async takeSeat() {
    /** @type {Agent[]} */
    const agents = (await api('/api/agents')).items;
    const mine = agents.find((a) => a.user?.id === this.user.id);
    if (mine) return this.seated(mine);
    return new Promise((resolve) => this.askSeat(agents, resolve));
  }

  /**
   * @param {Agent[]} agents
   * @param {(agent: Agent) => void} resolve
   */
  askSeat(agents, resolve) {
    const select = /** @type {HTMLSelectElement} */ ($('seat-select'));
    select.replaceChildren(...agents.map((a) => new Option(`${a.seat} ${a.name}${a.user ? `（${a.user.display_name} 使用中）` : ''}`, a.seat, false, false)));
    const last = localStorage.getItem(SEAT_KEY);
    const free = agents.find((a) => !a.user && a.seat === last) ?? agents.find((a) => !a.user);
    if (free) select.value = free.seat;
    $('seat-login').hidden = false;
    select.focus();
    $('seat-form').onsubmit = async (event) => {
      event.preventDefault();
      try {
        /** @type {Agent} */
        const agent = await post(`/api/agents/${select.value}/login`);
        localStorage.setItem(SEAT_KEY, agent.seat);
        $('seat-login').hidden = true;
        resolve(this.seated(agent));
      } catch (err) {
        $('seat-error').textContent = err.message;
      }
    };
  }

  /** @param {Agent} agent */
  seated(agent) {
    this.id = agent.seat;
    $('who').textContent += ` · 坐席 ${agent.seat}（${agent.name}）`;
    this.apply(agent);
    return agent;
  }

  /** @param {Agent[] | undefined} items */
  applyAgents(items) {
    const mine = items?.find((a) => a.seat === this.id);
    if (mine) this.apply(mine);
  }

  /** @param {Agent} agent */
  apply(agent) {
    this.state = agent.state;
    const badge = $('state-badge');
    badge.textContent = agent.state_name;
    badge.className = `state-badge state-${agent.state}`;
    $('state-detail').textContent = agent.state === 'break' && agent.break_reason ? `原因：${agent.break_reason}` : '';
    for (const [name, states] of Object.entries(ENABLED)) /** @type {HTMLButtonElement} */ ($(`btn-${name}`)).disabled = !states.includes(agent.state);
    if (agent.call_id !== this.callId) {
      this.callId = agent.call_id;
      void this.onCall(agent.call_id);
    }
    this.onState(agent.state);
  }

  /**
   * @param {SeatAction} path
   * @param {{ reason: string }} [body]
   */
  async act(path, body) {
    if (!this.id) return;
    if (!ENABLED[path].includes(/** @type {string} */ (this.state)))
      return toast(`当前状态（${$('state-badge').textContent}）不能${ACTION_NAMES[path]}`, { error: true });
    try {
      this.apply(await post(`/api/agents/${this.id}/${path}`, body));
    } catch (err) {
      toast(err.message, { error: true });
    }
  }

  ready = () => this.act('ready');
  takeBreak = () => this.act('break', { reason: /** @type {HTMLSelectElement} */ ($('break-reason')).value });

  async leave() {
    await this.act('logout');
    if (this.state === 'logged_out') location.reload();
  }
}
