// A TCP port free on loopback right now, for a process the caller is about to start on it (the
// tests, the benchmarks, the real-switch check and the screenshots each start servers on
// ports of their own). Another program may take it before that process binds: callers that
// cannot afford the race pass port 0 to the server itself instead.
import { createServer, type AddressInfo } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
