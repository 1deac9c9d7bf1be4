// IPv4 networks as regular expressions on FreeSWITCH's `network_addr`. mod_dialplan_xml can only
// match a condition's field with a regex (parse_exten: switch_regex_perform on the field's
// value); it has no network test of its own (a `${acl(<ip> <cidr>)}` field would call
// mod_commands' acl API, which works only while switch.conf.xml leaves api-expansion on:
// switch_channel.c checks SCF_API_EXPANSION). network_addr is the caller profile field sofia
// fills from the source address of the INVITE (sofia.c sofia_handle_sip_i_invite:
// sofia_glue_get_addr → network_ip → caller_profile->network_addr), written by getnameinfo with
// NI_NUMERICHOST (switch_utils.c get_addr) as a dotted quad without leading zeros, so an IPv4
// address has exactly one spelling to match.
// The patterns use only what PCRE and JavaScript read alike: (?:…), […], escaped dots. No `\d`,
// `\s`, `\n` or `\t`: parse_exten expands the expression first, and switch_channel_expand_variables
// rewrites a string holding `\\`, `\n`, `\s`, `\t` or `\'` (switch_utils.h
// switch_string_has_escaped_data); `\.` and `[0-9]` pass through untouched.

const ANY_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';

/**
 * A regex body (no anchors) matching exactly the addresses of `network`: "a.b.c.d" (one
 * address) or "a.b.c.d/n" with 0 ≤ n ≤ 32 and no bits set after the prefix.
 */
export function ipv4NetworkPattern(network: string): string {
  const { octets, bits } = parseNetwork(network);
  return octets
    .map((octet, i) => {
      const fixedBits = Math.min(8, Math.max(0, bits - 8 * i));
      if (fixedBits === 8) return String(octet);
      if (fixedBits === 0) return ANY_OCTET;
      const size = 2 ** (8 - fixedBits);
      return numberRange(octet, octet + size - 1);
    })
    .join('\\.');
}

function parseNetwork(network: string): { octets: number[]; bits: number } {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(network);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const bits = match?.[5] === undefined ? 32 : Number(match[5]);
  const value = octets.reduce((v, o) => v * 256 + o, 0);
  const wellFormed = match !== null && octets.every((o, i) => o <= 255 && String(o) === match[i + 1]) && bits <= 32;
  if (!wellFormed || value % 2 ** (32 - bits) !== 0) {
    throw new RangeError(`not an IPv4 address or network without host bits: ${JSON.stringify(network)}`);
  }
  return { octets, bits };
}

/** The decimal numbers lo..hi (0 ≤ lo ≤ hi ≤ 255) as written without leading zeros. */
export function numberRange(lo: number, hi: number): string {
  const alternatives: string[] = [];
  for (const [from, to] of [
    [0, 9],
    [10, 99],
    [100, 999],
  ] as const) {
    const a = Math.max(lo, from);
    const b = Math.min(hi, to);
    if (a <= b) alternatives.push(...sameWidth(String(a), String(b)));
  }
  return alternatives.length === 1 ? alternatives[0]! : `(?:${alternatives.join('|')})`;
}

/** Alternatives matching the digit strings a..b of one width (a ≤ b). */
function sameWidth(a: string, b: string): string[] {
  if (a === b) return [a];
  const head = (lo: number, hi: number) => (lo === hi ? String(lo) : `[${lo}-${hi}]`);
  if (a.length === 1) return [head(Number(a), Number(b))];
  if (a[0] === b[0]) return sameWidth(a.slice(1), b.slice(1)).map((rest) => a[0] + rest);
  const tail = a.length - 1;
  const out: string[] = [];
  let first = Number(a[0]);
  let last = Number(b[0]);
  const lowIsRound = /^0+$/.test(a.slice(1));
  const highIsRound = /^9+$/.test(b.slice(1));
  if (!lowIsRound) out.push(...sameWidth(a, a[0] + '9'.repeat(tail)));
  if (!lowIsRound) first++;
  if (!highIsRound) last--;
  if (first <= last) out.push(head(first, last) + '[0-9]'.repeat(tail));
  if (!highIsRound) out.push(...sameWidth(b[0] + '0'.repeat(tail), b));
  return out;
}
