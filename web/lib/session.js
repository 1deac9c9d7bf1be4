// @ts-check
// Login for every page: a form in a <dialog>, the token kept in this tab's sessionStorage so
// an agent desktop and an admin page can run side by side as different users.
const KEY = 'cti.session';
/** @type {((reason: string) => void) | null} */
let expiredHandler = null;

/** @typedef {import('/lib/types.js').User} User */

/** @returns {string | null} */
export function currentToken() {
  return readSession()?.token ?? null;
}

/** @returns {User | null} */
export function currentUser() {
  return readSession()?.user ?? null;
}

/** @returns {{ token: string, user: User } | null} */
function readSession() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
  } catch {
    return null;
  }
}

/** Forgets the token (expired or logged out) and asks the page to show the login again. */
/** @param {string} reason */
export function dropSession(reason) {
  if (!sessionStorage.getItem(KEY)) return;
  sessionStorage.removeItem(KEY);
  expiredHandler?.(reason);
}

export async function logout() {
  const token = currentToken();
  sessionStorage.removeItem(KEY);
  if (token) await fetch('/api/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => {});
}

/**
 * Resolves with the logged-in user once someone with one of `roles` has logged in; asks
 * again (through the same dialog) when the token expires, then calls `onExpired`.
 * @param {{ roles: string[], title: string, onExpired?: () => void }} options
 * @returns {Promise<User>}
 */
export function signIn({ roles, title, onExpired }) {
  const dialog = loginDialog(title);
  expiredHandler = (reason) => {
    onExpired?.();
    void ask(dialog, roles, reason);
  };
  const user = currentUser();
  if (user && roles.includes(user.role)) return Promise.resolve(user);
  return ask(dialog, roles, '');
}

/**
 * @param {HTMLDialogElement} dialog
 * @param {string[]} roles
 * @param {string} message
 * @returns {Promise<User>}
 */
function ask(dialog, roles, message) {
  const form = /** @type {HTMLFormElement} */ (dialog.querySelector('form'));
  const error = /** @type {HTMLElement} */ (dialog.querySelector('.login-error'));
  const fields = /** @type {{ username: HTMLInputElement, password: HTMLInputElement }} */ (/** @type {unknown} */ (form.elements));
  error.textContent = message;
  dialog.showModal();
  fields.username.focus();
  return new Promise((resolve) => {
    form.onsubmit = async (event) => {
      event.preventDefault();
      error.textContent = '';
      try {
        const user = await tryLogin(fields.username.value.trim(), fields.password.value, roles);
        form.reset();
        dialog.close();
        resolve(user);
      } catch (err) {
        error.textContent = err.message;
      }
    };
  });
}

/**
 * @param {string} username
 * @param {string} password
 * @param {string[]} roles
 * @returns {Promise<User>}
 */
async function tryLogin(username, password, roles) {
  const res = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const body = await res.json();
  if (!res.ok) throw new Error(body.message || '登录失败');
  if (!roles.includes(body.user.role)) throw new Error('此账号无权使用本页面');
  sessionStorage.setItem(KEY, JSON.stringify({ token: body.token, user: body.user }));
  return body.user;
}

/**
 * @param {string} title
 * @returns {HTMLDialogElement}
 */
function loginDialog(title) {
  let dialog = /** @type {HTMLDialogElement | null} */ (document.getElementById('login-dialog'));
  if (dialog) return dialog;
  dialog = document.createElement('dialog');
  dialog.id = 'login-dialog';
  dialog.className = 'login';
  dialog.innerHTML = `
    <form method="dialog">
      <h2></h2>
      <label>用户名 <input name="username" autocomplete="username" required></label>
      <label>密码 <input name="password" type="password" autocomplete="current-password" required></label>
      <p class="login-error" role="alert"></p>
      <button type="submit" class="primary">登录</button>
    </form>`;
  /** @type {HTMLElement} */ (dialog.querySelector('h2')).textContent = title;
  // a login is not optional: Esc must not leave a page without a user
  dialog.addEventListener('cancel', (event) => event.preventDefault());
  document.body.append(dialog);
  return dialog;
}
