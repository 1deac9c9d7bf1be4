// @ts-check
// Admin pages (系统管理): routing config status with file:line:column of the current error and
// a reload button, users and roles, the SMS outbox, and which years have holiday data (with
// the YAML to add a year, checked by the server before the admin pastes it into calendar.yaml).
import { signIn } from '/lib/session.js';
import { api, post } from '/lib/api.js';
import { toast } from '/lib/toast.js';
import { formatDateTime, nameOf, ROLE_NAMES, SMS_STATUS_NAMES as SMS_STATUS, SMS_KIND_NAMES as SMS_KINDS } from '/lib/format.js';

/** Every id a page asks for is in its HTML. @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * GET /api/admin/config (src/http/config-admin.ts).
 * @typedef {object} ConfigStatus
 * @property {'ok' | 'error'} state
 * @property {number} generation
 * @property {string} digest
 * @property {string} loaded_at
 * @property {string} last_attempt_at
 * @property {Array<{ file: string, line: number, column: number, path: string, message: string }>} issues
 */
/**
 * GET /api/admin/users (src/auth/user-json.ts userJson).
 * @typedef {import('/lib/types.js').User & { mobile: string | null, disabled: boolean }} AdminUser
 */
/**
 * GET /api/admin/lockouts (src/auth/user-json.ts lockoutJson).
 * @typedef {object} Lockout
 * @property {number} user_id
 * @property {'account' | 'address'} scope
 * @property {string | null} address
 * @property {string} locked_until
 */
/**
 * GET /api/admin/calendar (src/http/calendar-admin.ts).
 * @typedef {object} CalendarInfo
 * @property {number[]} covered_years
 * @property {number} this_year
 * @property {boolean} this_year_covered
 * @property {boolean} next_year_covered
 * @property {number} provisional_tickets
 * @property {{ data_until: string | null, provisional_now: boolean, missing_year: number, deadlines_provisional_after: string, action: string }} coverage
 * @property {string} template_yaml
 * @property {string | null} [example_yaml]
 */
/**
 * POST /api/admin/calendar/check (src/http/calendar-admin.ts).
 * @typedef {object} CalendarCheck
 * @property {boolean} ok
 * @property {Array<{ line: number, column: number, path: string | null, message: string }>} issues
 * @property {Array<{ year: string, holidays_listed: number, weekdays_off: string[], makeup_workdays: string[], warnings: string[] }>} years
 * @property {number} provisional_tickets
 */

/** @type {Map<string, string>} */
let departmentNames = new Map();
/** @param {string | null | undefined} text */
const td = (text) => Object.assign(document.createElement('td'), { textContent: text ?? '—' });

const user = await signIn({ roles: ['admin'], title: '管理员登录', onExpired: () => location.reload() });
$('who').textContent = user.display_name;

/** @param {ConfigStatus} s */
function showConfig(s) {
  const ok = s.state === 'ok';
  $('config-state').textContent = ok ? '✔ 配置有效，正在使用' : `✘ 配置有错误（${s.issues.length} 处），仍在使用上一份正确的配置`;
  $('config-state').className = `state ${ok ? 'ok' : 'bad'}`;
  $('config-generation').textContent = `第 ${s.generation} 版`;
  $('config-loaded').textContent = formatDateTime(s.loaded_at);
  $('config-attempt').textContent = formatDateTime(s.last_attempt_at);
  $('config-digest').textContent = s.digest.slice(0, 16);
  $('config-issues').hidden = ok;
  /** @type {HTMLTableElement} */ ($('config-issues')).tBodies[0].replaceChildren(
    ...s.issues.map((i) => {
      const tr = document.createElement('tr');
      tr.append(td(`${i.file}:${i.line}:${i.column}`), td(i.path), td(i.message));
      /** @type {HTMLElement} */ (tr.firstChild).className = 'mono';
      return tr;
    }),
  );
}

$('btn-reload').onclick = async () => {
  try {
    /** @type {ConfigStatus} */
    const s = await post('/api/admin/config/reload');
    showConfig(s);
    toast(s.state === 'ok' ? '配置已重新加载' : '配置有错误，未生效', { error: s.state !== 'ok' });
  } catch (err) {
    toast(err.message, { error: true });
  }
};

/**
 * 状态: a lock for every address (many failures from many addresses) or for some addresses only.
 * @param {AdminUser} u
 * @param {Lockout[]} locks
 */
function stateOf(u, locks) {
  if (u.disabled) return '已停用';
  const everywhere = locks.find((l) => l.scope === 'account');
  if (everywhere) return `已锁定（所有地址）至 ${formatDateTime(everywhere.locked_until)}`;
  if (locks.length) return `已锁定 ${locks.length} 个地址：${locks.map((l) => l.address).join('、')}（其他地址可正常登录）`;
  return '正常';
}

/**
 * @param {AdminUser} u
 * @param {Lockout[]} locks
 */
function userRow(u, locks) {
  const tr = document.createElement('tr');
  tr.append(
    td(u.username),
    td(u.display_name),
    td(nameOf(ROLE_NAMES, u.role)),
    td(u.department ? (departmentNames.get(u.department) ?? u.department) : null),
    td(u.mobile),
    td(stateOf(u, locks)),
  );
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
  const edit = Object.assign(document.createElement('button'), { type: 'button', textContent: '修改' });
  edit.onclick = () => openEdit(u);
  cell.append(edit);
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
  /** @type {[{ items: AdminUser[] }, { items: Lockout[] }]} */
  const [users, lockouts] = await Promise.all([api('/api/admin/users'), api('/api/admin/lockouts')]);
  /** @param {number} id */
  const locksOf = (id) => lockouts.items.filter((l) => l.user_id === id);
  $('user-rows').replaceChildren(...users.items.map((u) => userRow(u, locksOf(u.id))));
}

/**
 * 修改: name, role, department and mobile of one user, and a new password (which ends their
 * sessions). A new role or department ends their sessions too (the server says so).
 * @param {AdminUser} u
 */
function openEdit(u) {
  const form = /** @type {HTMLFormElement} */ ($('edit-form'));
  const f = editFields();
  form.hidden = false;
  $('edit-title').textContent = `修改用户 ${u.username}`;
  $('edit-error').textContent = '';
  f.display_name.value = u.display_name;
  f.role.value = u.role;
  f.department.value = u.department ?? '';
  f.mobile.value = u.mobile ?? '';
  f.password.value = '';
  // an admin cannot change their own role (nobody would be left to undo it)
  f.role.disabled = u.id === user.id;
  /** @param {() => Promise<unknown>} act @param {string} done */
  const run = async (act, done) => {
    try {
      await act();
      $('edit-error').textContent = '';
      toast(done);
      await showUsers();
    } catch (err) {
      $('edit-error').textContent = err.message;
    }
  };
  form.onsubmit = (event) => {
    event.preventDefault();
    const body = { display_name: f.display_name.value.trim(), department: f.department.value || null, mobile: f.mobile.value.trim() || null };
    void run(
      () => api(`/api/admin/users/${u.id}`, { method: 'PATCH', body: f.role.disabled ? body : { ...body, role: f.role.value } }),
      `已保存 ${u.username}`,
    );
  };
  $('btn-set-password').onclick = () =>
    void run(async () => {
      await post(`/api/admin/users/${u.id}/password`, { password: f.password.value });
      f.password.value = '';
    }, `已重置 ${u.username} 的密码，其已登录的会话均已退出`);
  $('btn-edit-close').onclick = () => {
    form.hidden = true;
  };
  f.display_name.focus();
}

function editFields() {
  const form = /** @type {HTMLFormElement} */ ($('edit-form'));
  return /** @type {{ display_name: HTMLInputElement, role: HTMLSelectElement, department: HTMLSelectElement, mobile: HTMLInputElement, password: HTMLInputElement }} */ (
    /** @type {unknown} */ (form.elements)
  );
}

/** @param {import('/lib/types.js').Department[]} departments */
function setUpUserForm(departments) {
  $('edit-role').replaceChildren(...Object.entries(ROLE_NAMES).map(([code, name]) => new Option(name, code)));
  $('edit-department').append(...departments.map((d) => new Option(d.name, d.id)));
  departmentNames = new Map(departments.map((d) => [d.id, d.name]));
  $('role-select').replaceChildren(...Object.entries(ROLE_NAMES).map(([code, name]) => new Option(name, code)));
  $('department-select').append(...departments.map((d) => new Option(d.name, d.id)));
  const form = /** @type {HTMLFormElement} */ ($('user-form'));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const f = /** @type {Record<'username' | 'password' | 'role' | 'department' | 'display_name' | 'mobile', HTMLInputElement>} */ (
      /** @type {unknown} */ (form.elements)
    );
    /** @param {'department' | 'display_name' | 'mobile'} name */
    const optional = (name) => (f[name].value.trim() ? f[name].value.trim() : null);
    try {
      await post('/api/admin/users', {
        username: f.username.value.trim(),
        password: f.password.value,
        role: f.role.value,
        department: optional('department'),
        display_name: optional('display_name'),
        mobile: optional('mobile'),
      });
      form.reset();
      $('user-error').textContent = '';
      toast('用户已新增');
      await showUsers();
    } catch (err) {
      $('user-error').textContent = err.message;
    }
  };
}

async function showSms() {
  /** @type {{ items: Array<{ created_at: string, to_number: string, kind: string, text: string, status: string, attempts: number, last_error: string | null }>, counts: Record<string, number> }} */
  const { items, counts } = await api('/api/admin/sms-outbox?limit=50');
  $('sms-counts').textContent =
    Object.entries(counts)
      .map(([s, n]) => `${nameOf(SMS_STATUS, s)} ${n}`)
      .join(' · ') || '发件箱为空';
  $('sms-rows').replaceChildren(
    ...items.map((m) => {
      const tr = document.createElement('tr');
      tr.append(
        td(formatDateTime(m.created_at)),
        td(m.to_number),
        td(nameOf(SMS_KINDS, m.kind)),
        td(m.text),
        td(nameOf(SMS_STATUS, m.status)),
        td(String(m.attempts)),
        td(m.last_error),
      );
      return tr;
    }),
  );
}

async function showCalendar() {
  /** @type {CalendarInfo} */
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
  const yaml = /** @type {HTMLTextAreaElement} */ ($('calendar-yaml'));
  if (!yaml.value) yaml.value = c.template_yaml;
  const exampleYear = c.example_yaml?.match(/"(\d{4})":/)?.[1];
  $('calendar-example-title').textContent = exampleYear ? `示例：${exampleYear} 年的放假安排（软件包自带数据），照此写法` : '';
  $('calendar-example').textContent = c.example_yaml ?? '';
}

/** @param {CalendarCheck} r */
function showCalendarCheck(r) {
  const box = $('calendar-check');
  /**
   * @param {string} cls
   * @param {string} text
   */
  const line = (cls, text) => Object.assign(document.createElement('p'), { className: cls, textContent: text });
  if (!r.ok) {
    box.replaceChildren(
      line('state bad', `✘ 有 ${r.issues.length} 处问题，请修改后再校验`),
      ...r.issues.map((i) => line('issue mono', `第 ${i.line} 行第 ${i.column} 列 ${i.path ? `${i.path}：` : ''}${i.message}`)),
    );
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
    showCalendarCheck(await post('/api/admin/calendar/check', { yaml: /** @type {HTMLTextAreaElement} */ ($('calendar-yaml')).value }));
  } catch (err) {
    toast(err.message, { error: true });
  }
};

setUpUserForm(await api('/api/departments'));
showConfig(await api('/api/admin/config'));
await Promise.all([showUsers(), showSms(), showCalendar()]);
// the watcher may pick up an edit at any time; keep the status honest without a reload
setInterval(() => api('/api/admin/config').then(showConfig, () => {}), 5000);
