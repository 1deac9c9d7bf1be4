// Softphone feature codes (话机功能码): an agent at a phone without the desktop transfers with
// digits pressed during the talk. `*` starts a code, `#` ends it; digits pressed more than
// FEATURE_CODE_GAP_MS apart start over, so a mistyped code simply expires.
//   *1<number>#  warm transfer (consult first)      *2<number>#  blind transfer
//   *3#          three-way with the consulted line  *4#          complete the transfer
//   *0#          cancel the transfer
// Pure: digits and times in, commands out.

export type FeatureCommand = { action: 'transfer'; hotline: string; kind: 'warm' | 'blind' } | { action: 'three_way' | 'complete' | 'cancel' };

export const FEATURE_CODE_GAP_MS = 5000;

export class FeatureCodeReader {
  private typed: string | null = null;
  private lastMs = 0;

  /** One digit as FreeSWITCH reported it (DTMF-Digit); a command when a code is complete. */
  push(digit: string, atMs: number): FeatureCommand | null {
    if (this.typed !== null && atMs - this.lastMs > FEATURE_CODE_GAP_MS) this.typed = null;
    this.lastMs = atMs;
    if (digit === '*') {
      this.typed = '';
      return null;
    }
    if (this.typed === null) return null;
    if (digit !== '#') {
      this.typed = /^[0-9]$/.test(digit) ? this.typed + digit : null;
      return null;
    }
    const code = this.typed;
    this.typed = null;
    return parseFeatureCode(code);
  }
}

/** The text between `*` and `#`. */
export function parseFeatureCode(code: string): FeatureCommand | null {
  const m = /^([0-4])([0-9]{3,12})?$/.exec(code);
  if (!m) return null;
  const [, key, number] = m;
  if ((key === '1' || key === '2') && number) return { action: 'transfer', hotline: number, kind: key === '1' ? 'warm' : 'blind' };
  if (number) return null;
  return key === '3' ? { action: 'three_way' } : key === '4' ? { action: 'complete' } : key === '0' ? { action: 'cancel' } : null;
}
