// @ts-check
// The REST API as the pages use it: bearer token from this tab's session, JSON both ways,
// and the server's Chinese error message surfaced as the Error's message.
import { currentToken, dropSession } from './session.js';

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {any} body the server's error (`{ error, message, field }`, more for some routes), or null
   */
  constructor(status, body) {
    super(body?.message || `请求失败（${status}）`);
    this.status = status;
    /** @type {string | null} */
    this.code = body?.error ?? null;
    /** @type {string | null} */
    this.field = body?.field ?? null;
    /** @type {any} */
    this.body = body;
  }
}

/**
 * The parsed JSON answer (null for an empty one); the caller names its shape.
 * @param {string} path
 * @param {{ method?: string, body?: unknown }} [options]
 * @returns {Promise<any>}
 */
export async function api(path, { method = 'GET', body } = {}) {
  /** @type {Record<string, string>} */
  const headers = {};
  const token = currentToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (res.status === 401) dropSession('登录已失效，请重新登录');
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/**
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export const post = (path, body = {}) => api(path, { method: 'POST', body });
