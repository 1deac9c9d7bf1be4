// How values read on every page: times in Asia/Shanghai whatever the browser's zone, and the
// Chinese names of the codes the API returns.
const ZONE = 'Asia/Shanghai';
const timeFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTimeFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
const dayFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: ZONE, year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' });

export const formatTime = (iso) => (iso ? timeFormat.format(new Date(iso)) : '—');
export const formatDateTime = (iso) => (iso ? dateTimeFormat.format(new Date(iso)) : '—');
export const formatDay = (date = new Date()) => dayFormat.format(date);

export function formatDuration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} 秒`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m} 分 ${s % 60} 秒` : `${m} 分`;
}

export const formatRate = (rate) => (rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`);

export const LINE_NAMES = { 1: '1 线 · 群众诉求', 2: '2 线 · 企业服务', 9: '9 线 · 政务服务监管专席' };
export const MODE_NAMES = { main: '12345 主号', direct: '直接整合', parallel: '并联整合', emergency: '应急联动', linkage: '联动呼转', unknown: '未知' };
export const OUTCOME_NAMES = {
  answered: '已接听', abandoned_ivr: '语音导航中挂断', abandoned_queue: '排队中放弃', transferred: '已转接',
  callback: '预约回拨', voicemail: '留言', failed: '失败', null: '进行中',
};
export const TICKET_TYPES = { consultation: '咨询', complaint: '投诉', help: '求助', suggestion: '建议', report: '举报', praise: '表扬' };
export const STATUS_NAMES = { created: '已受理', dispatched: '已派单', signed: '已签收（办理中）', returned: '已退单', replied: '已答复', closed: '已办结', visited: '已回访' };
export const LIGHT_NAMES = { green: '绿灯', yellow: '黄灯', red: '红灯' };
export const TRANSFER_KINDS = { warm: '咨询转接', blind: '直接转接', three_way: '三方通话' };
export const TRANSFER_STATES = {
  ringing: '正在呼叫', consulting: '部门已接听（咨询中）', completed: '已转出', three_way: '三方通话中', cancelled: '已取消', failed: '转接失败',
};
export const TRANSFER_RESULTS = { busy: '对方忙', no_answer: '无人接听', failed: '无法接通', answered: '已接听' };
export const ROLE_NAMES = { agent: '坐席', supervisor: '班长', dept_handler: '部门经办人', dept_head: '部门负责人', admin: '管理员' };

export const nameOf = (table, code) => table[code] ?? code ?? '—';

/** A text node's worth of HTML, for the few places that build markup from data. */
export function escapeHtml(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
