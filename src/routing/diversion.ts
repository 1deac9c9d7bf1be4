// A call a carrier forwarded from one of our old hotline numbers arrives as a call to 12345
// with a Diversion header (RFC 5806) naming the number dialled. mod_sofia keeps the header's
// value, as received, in the channel variable sip_h_Diversion (sofia.c, the unknown-headers
// loop of sofia_handle_sip_i_invite); with several Diversion headers the variable is set once
// per header, so the last one, the earliest diversion, is what remains. Such a call is routed
// as if the old number had been dialled: a direct number skips the menu, a parallel number
// rings its department in its hours.
import type { RoutingPlan } from '../config/index.js';
import type { CallTags } from './decide.js';

/**
 * The diverting number if it is a direct or parallel hotline of ours: from `<sip:12369@host>`,
 * `<tel:+8612369>`, `sip:02589182131@host;user=phone` (area code before an 8-digit local
 * number) and lists of them (the last entry is the earliest diversion).
 */
export function divertedHotline(header: string | undefined, plan: RoutingPlan): string | null {
  if (!header) return null;
  const entries = header.split(',');
  const last = entries[entries.length - 1]!;
  const match = /(?:sips?|tel):\+?([0-9]{3,20})/i.exec(last);
  if (!match) return null;
  const digits = match[1]!.replace(/^86(?=[0-9]{5,})/, '');
  // a local number may come after its area code (010, 025, 0512 …): try it bare too
  const local = digits.startsWith('0') ? [3, 4].map((n) => digits.slice(n)).filter((d) => d.length >= 7) : [];
  for (const candidate of [digits, ...local]) {
    const h = plan.byNumber.get(candidate);
    if (h && (h.mode === 'direct' || h.mode === 'parallel')) return h.number;
  }
  return null;
}

/** Tags of a call to the centre number that was forwarded from one of our hotlines; else unchanged. */
export function tagsAfterDiversion(tags: CallTags, header: string | undefined, plan: RoutingPlan): CallTags {
  if (tags.mode !== 'main') return tags;
  const number = divertedHotline(header, plan);
  if (number === null) return tags;
  const h = plan.byNumber.get(number)!;
  return { ...tags, mode: h.mode as 'direct' | 'parallel', originHotline: h.number, department: h.department };
}
