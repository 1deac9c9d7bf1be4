// Rules of server.yaml that its schema cannot state, checked on the values in force: the file
// with the environment's overrides applied (an override is where many operators set a secret).
import { BlockList, isIP } from 'node:net';
import type { ConfigIssue, SourceMap } from './issues.js';
import type { ServerFile } from './schema.js';

/** FreeSWITCH's shipped event_socket.conf.xml password, known to everyone who read its docs. */
export const DEFAULT_ESL_PASSWORD = 'ClueCon';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** 127.0.0.0/8, ::1 (IPv4-mapped too) and the name localhost: nobody off this machine reaches it. */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === 'localhost.') return true;
  const family = isIP(h);
  return family !== 0 && LOOPBACK.check(h, family === 6 ? 'ipv6' : 'ipv4');
}

export function serverRules(s: ServerFile, src: SourceMap, env: NodeJS.ProcessEnv): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { host, password } = s.freeswitch;
  // Anyone who reaches mod_event_socket with its password may originate calls on the centre's
  // trunks and listen to its calls; on loopback only this machine can try (the tests, the demo).
  if (password === DEFAULT_ESL_PASSWORD && !isLoopback(host)) {
    const where = env.FS_HOST !== undefined ? `FS_HOST=${host}` : `freeswitch.host ${host}`;
    const message =
      `"${DEFAULT_ESL_PASSWORD}" is FreeSWITCH's well-known default event socket password, refused for a switch that is not on loopback (${where}). ` +
      `Set the password of FreeSWITCH's event_socket.conf.xml, then give it to this server as freeswitch.password in ${src.file} or in the environment variable FS_PASSWORD`;
    issues.push(
      env.FS_PASSWORD !== undefined
        ? { file: 'environment', line: 0, column: 0, path: 'FS_PASSWORD', message }
        : src.issue(['freeswitch', 'password'], message),
    );
  }
  return issues;
}
