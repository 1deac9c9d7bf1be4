// Seats over HTTP and the live WebSocket feed, on the real app.
import t from 'tap';
import WebSocket from 'ws';
import { ticketApp } from './support/ticket-app.js';
import { queuesView } from '../src/acd/index.js';

t.test('an agent takes a seat, goes ready and on break; others cannot touch it', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const login = await a.call('agent', 'POST', '/api/agents/1001/login');
  t.match(login.body, { seat: '1001', state: 'break', state_name: '小休', break_reason: '未就绪', user: { username: 'agent' } });
  t.equal((await a.call('agent2', 'POST', '/api/agents/1001/login')).status, 403, 'the seat is taken');
  t.equal((await a.call('agent', 'POST', '/api/agents/1002/login')).status, 403, 'one seat per operator');
  t.equal((await a.call('agent2', 'POST', '/api/agents/1001/ready')).status, 403, 'only the holder');
  t.match((await a.call('agent', 'POST', '/api/agents/1001/ready')).body, { state: 'available', state_name: '空闲' });
  t.match((await a.call('agent', 'POST', '/api/agents/1001/break', { reason: '用餐' })).body, { state: 'break', break_reason: '用餐' });
  t.equal((await a.call('agent', 'POST', '/api/agents/1001/break', {})).body.field, 'body.reason');
  t.match((await a.call('boss', 'POST', '/api/agents/1001/ready')).body, { state: 'available' }, 'a supervisor may');
  t.equal((await a.call('agent2', 'POST', '/api/agents/9999/login')).status, 404, 'no such seat');
  t.equal((await a.call('market', 'GET', '/api/agents')).status, 403);
  const all = await a.call('boss', 'GET', '/api/agents');
  t.equal(all.body.items.length, 12);
  t.match((await a.call('agent', 'POST', '/api/agents/1001/logout')).body, { state: 'logged_out', user: null });
});

t.test('the live feed pushes agent and queue changes to a logged-in WebSocket', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const url = await a.app.listen({ host: '127.0.0.1', port: 0 });
  const token = (await a.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'boss', password: 'correct horse 12345' } })).json().token;

  const refused = new WebSocket(`${url.replace('http', 'ws')}/api/ws`);
  const code = await new Promise<number>((resolve) => refused.on('close', (c) => resolve(c)));
  t.equal(code, 4401, 'no token, no feed');

  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/ws?token=${token}`);
  const messages: any[] = [];
  ws.on('message', (m) => messages.push(JSON.parse(String(m))));
  const next = (type: string) =>
    new Promise<any>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} message`)), 3000);
      const check = () => {
        const i = messages.findIndex((m) => m.type === type);
        if (i >= 0) {
          clearTimeout(timer);
          resolve(messages.splice(i, 1)[0]);
        } else setTimeout(check, 10);
      };
      check();
    });
  const hello = await next('hello');
  t.equal(hello.agents.length, 12);
  t.equal(hello.queues.waiting, 0);

  await a.call('agent', 'POST', '/api/agents/1001/login');
  t.match(
    (await next('agents')).items.find((x: any) => x.seat === '1001'),
    { state: 'break' },
  );
  a.acd.enqueue({
    callId: 'c1',
    queue: 'citizen',
    line: '1',
    priority: 5,
    enteredMs: Date.parse('2026-11-30T09:00:00+08:00'),
    caller: '13800138000',
    originHotline: null,
    department: null,
  });
  t.match(await next('queues'), { waiting: 1, calls: [{ call_id: 'c1', position: 1, line: '1' }] });
  ws.close();
});

t.test('a department user on the live feed gets no caller, seat or queue, the first message included', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const url = await a.app.listen({ host: '127.0.0.1', port: 0 });
  a.acd.enqueue({
    callId: 'c9',
    queue: 'citizen',
    line: '1',
    priority: 5,
    enteredMs: Date.parse('2026-11-30T09:00:00+08:00'),
    caller: '13800138009',
    originHotline: null,
    department: null,
  });
  const token = (await a.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'market', password: 'correct horse 12345' } })).json().token;
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/ws?token=${token}`);
  const texts: string[] = [];
  ws.on('message', (m) => texts.push(String(m)));
  await new Promise((r) => ws.once('message', r));
  await a.call('agent', 'POST', '/api/agents/1001/login');
  a.acd.enqueue({
    callId: 'c10',
    queue: 'citizen',
    line: '1',
    priority: 5,
    enteredMs: Date.parse('2026-11-30T09:00:01+08:00'),
    caller: '13800138010',
    originHotline: null,
    department: null,
  });
  await new Promise((r) => setTimeout(r, 400)); // queue messages go out within 200 ms
  ws.close();
  t.same(
    texts.map((x) => JSON.parse(x)),
    [{ type: 'hello' }],
    'a bare hello, and nothing after it',
  );
  t.notMatch(texts.join(''), /138001380/, 'no caller number at all');
});

t.test('the queue on the API and the wallboard: positions per queue in service order, the count and the longest wait', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  a.at('2026-11-30T09:10:00+08:00');
  const call = (callId: string, queue: string, priority: number, entered: string) =>
    a.acd.enqueue({
      callId,
      queue,
      line: queue === 'supervision' ? '9' : '1',
      priority,
      enteredMs: Date.parse(entered),
      caller: '13800138000',
      originHotline: null,
      department: null,
    });
  call('c1', 'citizen', 5, '2026-11-30T09:01:00+08:00');
  call('c2', 'supervision', 5, '2026-11-30T09:00:00+08:00');
  call('c3', 'citizen', 1, '2026-11-30T09:05:00+08:00');
  call('c4', 'citizen', 5, '2026-11-30T09:06:00+08:00');
  const queues = await a.call('boss', 'GET', '/api/queues');
  t.same(
    queues.body.calls.map((c: any) => [c.call_id, c.position]),
    [
      ['c3', 1],
      ['c2', 1],
      ['c1', 2],
      ['c4', 3],
    ],
    'the 110 priority first, then arrival across queues; positions count within each queue',
  );
  t.same(queues.body.by_queue, { supervision: 1, citizen: 3 });
  t.equal(queues.body.longest_wait_s, 600);
  const pushed = queuesView(a.acd, Date.parse('2026-11-30T09:10:00+08:00'), 2);
  t.same(
    pushed.calls.map((c) => [c.call_id, c.position]),
    [
      ['c3', 1],
      ['c2', 1],
    ],
    'a pushed message lists the first calls only',
  );
  t.match(pushed, { waiting: 4, longest_wait_s: 600, by_queue: { citizen: 3, supervision: 1 } }, 'with whole counts');
  const board = (await a.app.inject({ method: 'GET', url: '/api/wallboard' })).json();
  t.same(board.queue, { waiting: 4, longest_wait_s: 600 }, 'the wallboard counts without listing');
  a.acd.leave('c2', 'abandoned');
  t.same(
    (await a.app.inject({ method: 'GET', url: '/api/wallboard' })).json().queue,
    { waiting: 3, longest_wait_s: 540 },
    'the longest wait moves on when that caller leaves',
  );
});
