// What an outbox row is, and what a caller may put in one. Validation happens at enqueue,
// inside the caller's transaction, so a bad number fails the ticket change that caused it
// instead of surfacing hours later as a failed send.
import { CtiError } from '../../errors.js';

export const SMS_KINDS = ['dispatch', 'yellow', 'red', 'supervision', 'alert', 'other'] as const;
export type SmsKind = (typeof SMS_KINDS)[number];

export const SMS_STATUSES = ['pending', 'sending', 'sent', 'failed', 'unsent'] as const;
export type SmsStatus = (typeof SMS_STATUSES)[number];

/** Mainland China mobile numbers, 11 digits without +86. */
export const MOBILE_NUMBER = /^1[3-9][0-9]{9}$/;
/** Characters (Unicode code points); 500 is about 8 concatenated UCS2 parts. */
export const MAX_TEXT_CHARS = 500;

export interface NewSms {
  to: string;
  text: string;
  kind: SmsKind;
  ticketId?: number;
  /** one reminder, one key: e.g. `ticket:42:yellow:sign` */
  dedupeKey: string;
}

export interface SmsRow {
  id: number;
  createdAt: string;
  to: string;
  text: string;
  kind: SmsKind;
  ticketId: number | null;
  dedupeKey: string;
  status: SmsStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  sentAt: string | null;
  providerMessageId: string | null;
  driver: string | null;
}

export function validateNewSms(msg: NewSms): void {
  const bad = (field: string, why: string): never => {
    throw new CtiError('SMS_BAD_MESSAGE', `${field}: ${why}`, { field });
  };
  if (typeof msg.to !== 'string' || !MOBILE_NUMBER.test(msg.to)) bad('to', `"${String(msg.to)}" is not a mainland mobile number (11 digits, 13x–19x)`);
  if (typeof msg.text !== 'string' || msg.text.trim() === '') bad('text', 'is empty');
  const chars = [...msg.text].length;
  if (chars > MAX_TEXT_CHARS) bad('text', `has ${chars} characters; at most ${MAX_TEXT_CHARS}`);
  if (!(SMS_KINDS as readonly string[]).includes(msg.kind)) bad('kind', `"${String(msg.kind)}" is not one of ${SMS_KINDS.join(', ')}`);
  if (msg.ticketId !== undefined && !Number.isSafeInteger(msg.ticketId)) bad('ticketId', 'is not an integer');
  if (typeof msg.dedupeKey !== 'string' || msg.dedupeKey === '') bad('dedupeKey', 'is empty');
}

/** 13800138000 → 138****8000, for logs (numbers are personal data). */
export function maskNumber(to: string): string {
  return to.length === 11 ? `${to.slice(0, 3)}****${to.slice(7)}` : '***';
}
