// Admin pages (系统管理): routing config status with file:line:column of the current error and
// a reload button, users and roles, the SMS outbox, and which years have holiday data.
import { signIn } from '/lib/session.js';
import { api, post } from '/lib/api.js';
import { toast } from '/lib/toast.js';
import { formatDateTime, nameOf, ROLE_NAMES } from '/lib/format.js';

const $ = (id) => document.getElementById(id);
const SMS_STATUS = { pending: '待发送', sending: '发送中', sent: '已发送', failed: '发送失败', unsent: '未配置网关（仅记录）' };
const SMS_KINDS = { dispatch: '派单通知', yellow: '黄灯提醒', red: '红灯提醒', supervision: '督办', alert: '告警', other: '其他' };
let departmentNames = new Map();
const td = (text) => Object.assign(document.createElement('td'), { textContent: text ?? '—' });

const user = await signIn({ roles: ['admin'], title: '管理员登录', onExpired: () => location.reload() });
$('who').textContent = user.display_name;

function showConfig(s) {
  const ok = s.state === 'ok';
  $('config-state').textContent = ok ? '✔ 配置有效，正在使用' : `✘ 配置有错误（${s.issues.length} 处），仍在使用上一份正确的配置`;
  $('config-state').className = `state ${ok ? 'ok' : 'bad'}`;
  $('config-generation').textContent = `第 ${s.generation} 版`;
  $('config-loaded').textContent = formatDateTime(s.loaded_at);
  $('config-attempt').textContent = formatDateTime(s.last_attempt_at);
  $('config-digest').textContent = s.digest.slice(0, 16);
  $('config-issues').hidden = ok;
  $('config-issues').tBodies[0].replaceChildren(...s.issues.map((i) => {
    const tr = document.createElement('tr');
    tr.append(td(`${i.file}:${i.line}:${i.column}`), td(i.path), td(i.message));
    tr.firstChild.className = 'mono';
    return tr;
  }));
}

$('btn-reload').onclick = async () => {
  try {
    const s = await post('/api/admin/config/reload');
    showConfig(s);
    toast(s.state === 'ok' ? '配置已重新加载' : '配置有错误，未生效', { error: s.state !== 'ok' });
  } catch (err) {
    toast(err.message, { error: true });
  }
};

function userRow(u) {
  const tr = document.createElement('tr');
  tr.append(td(u.username), td(u.display_name), td(nameOf(ROLE_NAMES, u.role)), td(u.department ? (departmentNames.get(u.department) ?? u.department) : null), td(u.mobile), td(u.disabled ? '已停用' : '正常'));
  const toggle = Object.assign(document.createElement('button'), { type: 'button', textContent: u.disabled ? '启用' : '停用' });
  toggle.onclick = async () => {
    try {
      await post(`/api/admin/users/${u.id}/${u.disabled ? 'enable' : 'disable'}`);
      await showUsers();
    } catch (err) {
      toast(err.message, { error: true });
    }
  };
  const cell = document.createElement('td');
  if (u.id !== user.id) cell.append(toggle);
  tr.append(cell);
  return tr;
}

async function showUsers() {
  $('user-rows').replaceChildren(...(await api('/api/admin/users')).items.map(userRow));
}

function setUpUserForm(departments) {
  departmentNames = new Map(departments.map((d) => [d.id, d.name]));
  $('role-select').replaceChildren(...Object.entries(ROLE_NAMES).map(([code, name]) => new Option(name, code)));
  $('department-select').append(...departments.map((d) => new Option(d.name, d.id)));
  $('user-form').onsubmit = async (event) => {
    event.preventDefault();
    const f = event.target.elements;
    const optional = (name) => (f[name].value.trim() ? f[name].value.trim() : null);
    try {
      await post('/api/admin/users', { username: f.username.value.trim(), password: f.password.value, role: f.role.value, department: optional('department'), display_name: optional('display_name'), mobile: optional('mobile') });
      event.target.reset();
      $('user-error').textContent = '';
      toast('用户已新增');
      await showUsers();
    } catch (err) {
      $('user-error').textContent = err.message;
    }
  };
}

async function showSms() {
  const { items, counts } = await api('/api/admin/sms-outbox?limit=50');
  $('sms-counts').textContent = Object.entries(counts).map(([s, n]) => `${nameOf(SMS_STATUS, s)} ${n}`).join(' · ') || '发件箱为空';
  $('sms-rows').replaceChildren(...items.map((m) => {
    const tr = document.createElement('tr');
    tr.append(td(formatDateTime(m.created_at)), td(m.to_number), td(nameOf(SMS_KINDS, m.kind)), td(m.text), td(nameOf(SMS_STATUS, m.status)), td(String(m.attempts)), td(m.last_error));
    return tr;
  }));
}

async function showCalendar() {
  const c = await api('/api/admin/calendar');
  $('calendar-years').textContent = c.covered_years.join('、');
  const gaps = [!c.this_year_covered && `${c.this_year} 年（今年）`, !c.next_year_covered && `${c.this_year + 1} 年（明年）`].filter(Boolean);
  $('calendar-state').textContent = gaps.length ? `✘ 缺少 ${gaps.join('、')} 的节假日数据` : `✔ ${c.this_year} 年和 ${c.this_year + 1} 年均有数据`;
  $('calendar-state').className = gaps.length ? 'state bad' : 'state ok';
}

setUpUserForm(await api('/api/departments'));
showConfig(await api('/api/admin/config'));
await Promise.all([showUsers(), showSms(), showCalendar()]);
// the watcher may pick up an edit at any time; keep the status honest without a reload
setInterval(() => api('/api/admin/config').then(showConfig, () => {}), 5000);
