// Admin pages (系统管理): routing config status with file:line:column of the current error and
// a reload button, users and roles, the SMS outbox, and which years have holiday data (with
// the YAML to add a year, checked by the server before the admin pastes it into calendar.yaml).
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

/** 状态: a lock for every address (many failures from many addresses) or for some addresses only. */
function stateOf(u, locks) {
  if (u.disabled) return '已停用';
  const everywhere = locks.find((l) => l.scope === 'account');
  if (everywhere) return `已锁定（所有地址）至 ${formatDateTime(everywhere.locked_until)}`;
  if (locks.length) return `已锁定 ${locks.length} 个地址：${locks.map((l) => l.address).join('、')}（其他地址可正常登录）`;
  return '正常';
}

function userRow(u, locks) {
  const tr = document.createElement('tr');
  tr.append(td(u.username), td(u.display_name), td(nameOf(ROLE_NAMES, u.role)), td(u.department ? (departmentNames.get(u.department) ?? u.department) : null), td(u.mobile), td(stateOf(u, locks)));
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
  if (locks.length) {
    // lifts every lock of the user: all addresses, and the account-wide one
    const unlock = Object.assign(document.createElement('button'), { type: 'button', textContent: '解除锁定' });
    unlock.onclick = async () => {
      try {
        await post(`/api/admin/users/${u.id}/unlock`);
        toast(`已解除 ${u.display_name} 的锁定`);
        await showUsers();
      } catch (err) {
        toast(err.message, { error: true });
      }
    };
    cell.append(unlock);
  }
  tr.append(cell);
  return tr;
}

async function showUsers() {
  const [users, lockouts] = await Promise.all([api('/api/admin/users'), api('/api/admin/lockouts')]);
  const locksOf = (id) => lockouts.items.filter((l) => l.user_id === id);
  $('user-rows').replaceChildren(...users.items.map((u) => userRow(u, locksOf(u.id))));
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
  const v = c.coverage;
  $('calendar-years').textContent = c.covered_years.join('、');
  $('calendar-until').textContent = v.data_until ?? `今年（${c.this_year} 年）没有数据`;
  $('calendar-provisional').textContent = v.provisional_now
    ? `现在派发的工单时限已是暂定（缺少 ${v.missing_year} 年数据）`
    : `${formatDateTime(v.deadlines_provisional_after)} 之后派发的工单，时限将进入 ${v.missing_year} 年而暂定`;
  $('calendar-tickets').textContent = `${c.provisional_tickets} 张`;
  const gaps = [!c.this_year_covered && `${c.this_year} 年（今年）`, !c.next_year_covered && `${c.this_year + 1} 年（明年）`].filter(Boolean);
  $('calendar-state').textContent = gaps.length ? `✘ 缺少 ${gaps.join('、')} 的节假日数据。${v.action}` : `✔ ${c.this_year} 年和 ${c.this_year + 1} 年均有数据`;
  $('calendar-state').className = gaps.length ? 'state bad' : 'state ok';
  if (!$('calendar-yaml').value) $('calendar-yaml').value = c.template_yaml;
  const exampleYear = c.example_yaml?.match(/"(\d{4})":/)?.[1];
  $('calendar-example-title').textContent = exampleYear ? `示例：${exampleYear} 年的放假安排（软件包自带数据），照此写法` : '';
  $('calendar-example').textContent = c.example_yaml ?? '';
}

function showCalendarCheck(r) {
  const box = $('calendar-check');
  const line = (cls, text) => Object.assign(document.createElement('p'), { className: cls, textContent: text });
  if (!r.ok) {
    box.replaceChildren(line('state bad', `✘ 有 ${r.issues.length} 处问题，请修改后再校验`), ...r.issues.map((i) => line('issue mono', `第 ${i.line} 行第 ${i.column} 列 ${i.path ? `${i.path}：` : ''}${i.message}`)));
    return;
  }
  if (r.years.length === 0) {
    box.replaceChildren(line('state bad', '✘ 没有任何年份：请在 years: 下写出年份，如 "2027":'));
    return;
  }
  const parts = [line('state ok', `✔ 格式正确，可以并入 calendar.yaml；保存后将重新计算 ${r.provisional_tickets} 张暂定时限的工单`)];
  for (const y of r.years) {
    parts.push(line('', `${y.year} 年：列出放假 ${y.holidays_listed} 天，其中工作日放假 ${y.weekdays_off.length} 天：${y.weekdays_off.join('、') || '无'}`));
    parts.push(line('', `调休上班 ${y.makeup_workdays.length} 天：${y.makeup_workdays.join('、') || '无'}`));
    parts.push(...y.warnings.map((w) => line('warning', `⚠ ${w}`)));
  }
  box.replaceChildren(...parts);
}

$('btn-calendar-check').onclick = async () => {
  try {
    showCalendarCheck(await post('/api/admin/calendar/check', { yaml: $('calendar-yaml').value }));
  } catch (err) {
    toast(err.message, { error: true });
  }
};

setUpUserForm(await api('/api/departments'));
showConfig(await api('/api/admin/config'));
await Promise.all([showUsers(), showSms(), showCalendar()]);
// the watcher may pick up an edit at any time; keep the status honest without a reload
setInterval(() => api('/api/admin/config').then(showConfig, () => {}), 5000);
