// apply-inbound-acl of event_socket.conf.xml. Each entry is checked on its own and the client
// must pass every one (MES listener_run ~2672). An entry is a named list or, as
// switch_check_network_list_ip_port_token (src/switch_core.c ~1373) accepts, a CIDR or several
// CIDRs separated by commas (any one matching is enough). IPv4-mapped IPv6 addresses are checked
// as IPv4.

import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** The named lists FreeSWITCH builds itself and the simulator knows. */
const NAMED_LISTS: Readonly<Record<string, string[]>> = {
  'loopback.auto': ['127.0.0.0/8', '::1/128'],
  'rfc1918.auto': ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
  'any_v4.auto': ['0.0.0.0/0'],
  'any_v6.auto': ['::/0'],
};

function parseCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } {
  const [address = '', bits] = cidr.trim().split('/');
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
  const prefix = bits === undefined ? (family === 'ipv4' ? 32 : 128) : Number(bits);
  const max = family === 'ipv4' ? 32 : 128;
  if (family === null || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    throw new Error(`inbound ACL: not a CIDR: ${JSON.stringify(cidr)}`);
  }
  return { address, prefix, family };
}

function entryList(entry: string): BlockList {
  const list = new BlockList();
  const cidrs = NAMED_LISTS[entry] ?? (entry.includes('/') ? entry.split(',') : []);
  for (const cidr of cidrs) {
    const { address, prefix, family } = parseCidr(cidr);
    list.addSubnet(address, prefix, family);
  }
  return list;
}

/** "::ffff:10.0.0.1" → "10.0.0.1" */
function unmapped(ip: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return match ? match[1]! : ip;
}

export class InboundAcl {
  private readonly entries: BlockList[];

  /** An unknown list name allows nobody, as in FreeSWITCH; a malformed CIDR is a configuration error. */
  constructor(entries: readonly string[]) {
    this.entries = entries.map(entryList);
  }

  get active(): boolean {
    return this.entries.length > 0;
  }

  /** A client without a known address is not checked, as in FreeSWITCH (it tests remote_ip first). */
  allows(remoteAddress: string | undefined): boolean {
    if (!remoteAddress) return true;
    const ip = unmapped(remoteAddress);
    const family = isIPv4(ip) ? 'ipv4' : isIPv6(ip) ? 'ipv6' : null;
    if (family === null) return false;
    return this.entries.every((list) => list.check(ip, family));
  }
}
