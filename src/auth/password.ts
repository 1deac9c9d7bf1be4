// Password hashing with scrypt from node:crypto. The cost parameters travel inside each
// stored string (scrypt$N$r$p$salt$hash), so they can be raised later without breaking
// the hashes already stored: verify always uses the parameters it finds.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export const MIN_PASSWORD_LENGTH = 8;

/** scrypt's cost: N (CPU and memory), r (block size), p (parallelism). */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** N=2^15, r=8 (32 MiB, ~150 ms here): a login burst at shift change stays affordable. */
export const PASSWORD_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;

// NFC (as RFC 8265 does for passwords): the same text typed on two systems hashes alike.
function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  // maxmem must exceed 128·N·r, or node refuses exactly the parameters we chose
  const maxmem = 256 * (options.N ?? 1) * (options.r ?? 1) + 1024 * 1024;
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFC'), salt, keylen, { ...options, maxmem }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `cost` other than the default is for tests, whose hundreds of users and logins need no strength. */
export async function hashPassword(password: string, cost: ScryptCost = PASSWORD_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, KEY_BYTES, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return null;
  const salt = Buffer.from(parts[4]!, 'base64');
  const key = Buffer.from(parts[5]!, 'base64');
  if (salt.length === 0 || key.length === 0) return null;
  return { N, r, p, salt, key };
}

/** True when `password` matches `stored`; a malformed stored string never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await scrypt(password, parsed.salt, parsed.key.length, { N: parsed.N, r: parsed.r, p: parsed.p });
  return timingSafeEqual(key, parsed.key);
}

let decoy: Promise<string> | undefined;
/** A hash to check unknown usernames against, so they take as long as known ones. */
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}
