// `cti sim` end to end, as an operator runs it: `node bin/cti.js sim --esl-port P --controller
// host:port scenarios/smoke.yaml` against a minimal controller written here with node:net (an
// inbound ESL client that authenticates, so that `cti sim` starts, and an outbound listener
// that answers each call and hangs it up 3 s later). Checks the JSON summary's shape and counts.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../scripts/lib/free-port.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOLD_MS = 3000;

/** The controller's outbound side: connect, myevents, answer; hang up HOLD_MS later. */
async function minimalController(t: Test): Promise<{ port: number; calls: () => number }> {
  let calls = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    calls++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let seen = '';
    let started = false;
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (started || !seen.includes('\n\n')) return; // the CHANNEL_DATA block ends with a blank line
      started = true;
      socket.write('myevents\n\nsendmsg\ncall-command: execute\nexecute-app-name: answer\n\n');
      setTimeout(() => socket.writable && socket.write('sendmsg\ncall-command: hangup\nhangup-cause: NORMAL_CLEARING\n\n'), HOLD_MS);
    });
    socket.write('connect\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as AddressInfo).port, calls: () => calls };
}

/** The controller's inbound side: authenticate on the simulator's ESL port, retrying until it listens. */
async function inboundClient(t: Test, port: number): Promise<void> {
  const end = Date.now() + 20_000;
  for (;;) {
    const socket = await new Promise<Socket | null>((resolve) => {
      const s = connect({ port, host: '127.0.0.1' }, () => resolve(s));
      s.once('error', () => resolve(null));
    });
    if (socket) {
      t.teardown(() => socket.destroy());
      socket.on('error', () => undefined);
      socket.once('data', () => socket.write('auth ClueCon\n\n'));
      return;
    }
    if (Date.now() > end) throw new Error(`the simulator did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

t.test('cti sim runs scenarios/smoke.yaml against a minimal controller and prints the JSON summary', async (t) => {
  const controller = await minimalController(t);
  const eslPort = await freePort();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/cti.js'), 'sim', '--esl-port', String(eslPort), '--controller', `127.0.0.1:${controller.port}`, 'scenarios/smoke.yaml'],
    {
      cwd: ROOT,
      env: { ...process.env, CTI_CONFIG: join(ROOT, 'config') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  t.teardown(() => child.exitCode === null && child.kill());
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await inboundClient(t, eslPort);
  const code = await exited;
  t.equal(code, 0, `exit 0 (stderr: ${stderr.slice(-400)})`);
  const summary = JSON.parse(stdout);

  t.same(
    Object.keys(summary).sort(),
    ['agents', 'calls', 'hotlines', 'measured_by', 'service_level_12345', 'tickets_created', 'transfer_requests', 'unfinished_channels'],
    "the summary's sections",
  );
  t.match(
    summary.calls,
    { planned: 7, offered: 7, answered: 7, bridged: 0, abandoned: 1 },
    'every call reached the controller and was answered; the caller who left after 2 s abandoned',
  );
  t.same(summary.calls.by_destination, {
    12345: { offered: 5, answered: 5, bridged: 0, abandoned: 1 },
    12369: { offered: 1, answered: 1, bridged: 0, abandoned: 0 },
    12315: { offered: 1, answered: 1, bridged: 0, abandoned: 0 },
  });
  t.equal(controller.calls(), 7, 'one outbound connection per call');
  t.same(
    summary.transfer_requests,
    [{ call: 6, from: '13800138006', to: '12315', performed_by: 'controller', outcome: 'not_performed' }],
    'without --api no desk asks the controller',
  );
  t.same(summary.agents, {}, 'this controller rang no seat');
  t.same(summary.hotlines, {}, 'and dialled no department');
  t.equal(summary.service_level_12345, null, 'measured by the controller, not the switch');
  t.equal(summary.tickets_created, null);
  t.equal(summary.unfinished_channels, 0);
  t.ok(summary.measured_by.simulator.length > 0 && summary.measured_by.controller.length > 0);
});
