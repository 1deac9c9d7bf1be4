// The REST API as the pages use it: bearer token from this tab's session, JSON both ways,
// and the server's Chinese error message surfaced as the Error's message.
import { currentToken, dropSession } from './session.js';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `请求失败（${status}）`);
    this.status = status;
    this.code = body?.error ?? null;
    this.field = body?.field ?? null;
    this.body = body;
  }
}

export async function api(path, { method = 'GET', body } = {}) {
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

export const post = (path, body = {}) => api(path, { method: 'POST', body });
