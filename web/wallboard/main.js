// @ts-check
// The wallboard (大屏): figures from the public /api/wallboard, refreshed every few seconds;
// counts only, so the wall screen needs no login. Red marks whatever is below its 95% target.
import * as echarts from '/vendor/echarts/echarts.esm.min.mjs';
import { formatDay, formatDuration, formatRate, formatTime, AGENT_STATE_NAMES } from '/lib/format.js';

const REFRESH_MS = 3000;
/** Every id a page asks for is in its HTML. @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
// the board counts seats by state name (src/http/wallboard.ts); shown in this order
/** @type {string[]} */
const AGENT_ORDER = /** @type {const} */ (['available', 'ringing', 'on_call', 'wrap_up', 'break', 'logged_out']).map((s) => AGENT_STATE_NAMES[s]);

/**
 * Today's 12345 service level (src/http/wallboard.ts serviceLevelToday).
 * @typedef {object} ServiceLevel
 * @property {number | null} rate
 * @property {string} target
 * @property {number} target_rate
 * @property {number} abandoned
 * @property {string} basis
 * @property {string} definition
 */
/**
 * A parallel hotline's transfers in the last 24 h (src/http/wallboard.ts transfers24h).
 * @typedef {object} TransferRow
 * @property {string} hotline
 * @property {string | null} name
 * @property {number} counted
 * @property {number} answered_within_15s
 * @property {number | null} rate
 * @property {number} ringing
 * @property {number} ringing_longest_s
 * @property {boolean} below_target
 * @property {string | null} alert_since
 * @property {string} basis
 */
/**
 * @typedef {object} Transfers
 * @property {number} target_rate
 * @property {string} basis
 * @property {string} definition
 * @property {TransferRow[]} items
 */
/**
 * @typedef {object} Hour
 * @property {string} hour ISO 8601, the hour's start
 * @property {number} offered
 * @property {number} answered
 * @property {number | null} rate
 */
/**
 * GET /api/wallboard.
 * @typedef {object} Board
 * @property {string} title
 * @property {{ waiting: number, longest_wait_s: number }} queue
 * @property {ServiceLevel} service_level_today
 * @property {{ open_by_light: Record<'green' | 'yellow' | 'red', number> }} tickets
 * @property {Record<string, number>} agents seats by state name
 * @property {Transfers} transfer_answer_rate_24h
 * @property {Hour[]} hours_today
 */
const chart = echarts.init($('hours-chart'), 'dark', { renderer: 'canvas' });
addEventListener('resize', () => chart.resize());

async function refresh() {
  try {
    const res = await fetch('/api/wallboard');
    if (!res.ok) throw new Error(String(res.status));
    show(await res.json());
    $('stale').hidden = true;
  } catch {
    $('stale').hidden = false;
  }
  setTimeout(refresh, REFRESH_MS);
}

/** @param {Board} b */
function show(b) {
  $('title').textContent = b.title;
  $('waiting').textContent = String(b.queue.waiting);
  $('longest').textContent = formatDuration(b.queue.longest_wait_s);
  showServiceLevel(b.service_level_today);
  for (const light of /** @type {const} */ (['green', 'yellow', 'red'])) $(`light-${light}`).textContent = String(b.tickets.open_by_light[light]);
  showAgents(b.agents);
  showTransfers(b.transfer_answer_rate_24h);
  showHours(b.hours_today, b.service_level_today.target_rate);
}

/** @param {ServiceLevel} sl */
function showServiceLevel(sl) {
  $('sl-rate').textContent = formatRate(sl.rate);
  $('sl-target').textContent = sl.target.replace(' s', ' 秒');
  $('sl-abandoned').textContent = String(sl.abandoned);
  $('sl-tile').classList.toggle('below', sl.rate !== null && sl.rate < sl.target_rate);
  $('sl-basis').textContent = sl.basis;
  $('sl-tile').title = sl.definition;
}

/** @param {Record<string, number>} agents */
function showAgents(agents) {
  const names = [...AGENT_ORDER.filter((n) => n in agents), ...Object.keys(agents).filter((n) => !AGENT_ORDER.includes(n))];
  $('agents').replaceChildren(
    ...names.map((name) => {
      const p = document.createElement('p');
      p.innerHTML = '<span class="big"></span><span class="sub"></span>';
      /** @type {HTMLElement} */ (p.firstChild).textContent = String(agents[name]);
      /** @type {HTMLElement} */ (p.lastChild).textContent = name;
      return p;
    }),
  );
}

/** @param {Transfers} t */
function showTransfers(t) {
  $('transfer-target').textContent = formatRate(t.target_rate).replace('.0%', '%');
  $('transfer-basis').textContent = t.basis;
  $('transfer-definition').textContent = t.definition;
  $('transfers-empty').hidden = t.items.length > 0;
  $('transfer-rows').replaceChildren(
    ...t.items.map((r) => {
      const tr = document.createElement('tr');
      tr.dataset.hotline = r.hotline;
      tr.title = r.basis;
      tr.classList.toggle('below', r.below_target);
      tr.classList.toggle('alerting', r.alert_since !== null);
      for (const text of [r.hotline, r.name ?? '', r.counted, r.answered_within_15s, formatRate(r.rate)])
        tr.append(Object.assign(document.createElement('td'), { textContent: String(text) }));
      tr.append(Object.assign(document.createElement('td'), { className: 'state', textContent: transferState(r) }));
      return tr;
    }),
  );
}

/** A leg still ringing is not a miss: it is shown as ringing, with how long, until its outcome is known. */
/** @param {TransferRow} r */
function transferState(r) {
  const parts = [];
  if (r.ringing > 0) {
    const s = Math.max(0, Math.floor(r.ringing_longest_s));
    parts.push(r.ringing === 1 ? `振铃中 ${s} 秒` : `${r.ringing} 路振铃中，最长 ${s} 秒`);
  }
  if (r.alert_since) parts.push(`告警中（${formatTime(r.alert_since)} 起）`);
  return parts.join(' · ');
}

/**
 * @param {Hour[]} hours
 * @param {number} targetRate
 */
function showHours(hours, targetRate) {
  chart.setOption({
    backgroundColor: 'transparent',
    textStyle: { fontSize: 16 },
    legend: { top: 0, data: ['进线', '接听', '15秒服务水平'], textStyle: { fontSize: 16 } },
    grid: { left: 50, right: 70, top: 60, bottom: 30 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: hours.map((h) => `${h.hour.slice(11, 13)}时`), axisLabel: { fontSize: 14 } },
    yAxis: [
      { type: 'value', name: '通', minInterval: 1, axisLabel: { fontSize: 14 } },
      { type: 'value', name: '服务水平', min: 0, max: 100, axisLabel: { formatter: '{value}%', fontSize: 14 } },
    ],
    series: [
      { name: '进线', type: 'bar', data: hours.map((h) => h.offered), itemStyle: { color: '#5b9bd5' } },
      { name: '接听', type: 'bar', data: hours.map((h) => h.answered), itemStyle: { color: '#70c48b' } },
      {
        name: '15秒服务水平',
        type: 'line',
        yAxisIndex: 1,
        connectNulls: true,
        lineStyle: { width: 3 },
        itemStyle: { color: '#ffd166' },
        data: hours.map((h) => (h.rate === null ? null : Math.round(h.rate * 1000) / 10)),
        markLine: {
          symbol: 'none',
          lineStyle: { color: '#ff6b6b', type: 'dashed' },
          label: { position: 'insideEndTop', formatter: `目标 ${targetRate * 100}%`, color: '#ff6b6b' },
          data: [{ yAxis: targetRate * 100 }],
        },
      },
    ],
  });
}

function tick() {
  $('clock').textContent = formatTime(new Date());
  $('day').textContent = formatDay();
}
tick();
setInterval(tick, 1000);
void refresh();
