// No log line carries a login token or a full caller number (issue 19): the request serializer
// of the real server, and the mask itself.
import t from 'tap';
import { copyConfig } from './support/config-dir.js';
import { startServerProcess } from './support/server-process.js';
import { loggableUrl, maskedNumber } from '../src/logging.js';

t.test('loggableUrl and maskedNumber', async (t) => {
  t.equal(loggableUrl('/api/ws?token=abc.def-123&x=1'), '/api/ws?token=[redacted]&x=1');
  t.equal(loggableUrl('/api/ws?x=1&TOKEN=zzz'), '/api/ws?x=1&TOKEN=[redacted]');
  t.equal(loggableUrl('/api/callers/13800138000/history'), '/api/callers/138****8000/history');
  t.equal(loggableUrl('/api/calls?caller=02584864000&limit=50'), '/api/calls?caller=025****4000&limit=50');
  t.equal(loggableUrl('/api/tickets/123456'), '/api/tickets/123456', 'ids shorter than 7 digits stay');
  t.equal(maskedNumber('110'), '****10');
  t.equal(maskedNumber(undefined), null);
});

t.test('the running server logs requests without tokens or caller numbers', async (t) => {
  const copy = copyConfig();
  const server = await startServerProcess(copy.dir, { users: [{ name: 'op', role: 'agent' }] });
  t.teardown(async () => {
    await server.stop();
    copy.remove();
  });
  await server.login('op');
  await server.get('/api/callers/13800138000/history');
  await fetch(`${server.url}/api/ws?token=not-a-real-token-0123456789`);
  await new Promise((r) => setTimeout(r, 200));
  const logged = JSON.stringify(server.logs);
  t.match(logged, /\/api\/callers\/138\*\*\*\*8000\/history/, 'the request is logged, masked');
  t.notMatch(logged, /13800138000/, 'never the full number');
  t.notMatch(logged, /not-a-real-token/, 'never the token');
});
