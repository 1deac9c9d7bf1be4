// How the worker hands a message to a gateway. A driver throws on failure; the worker
// decides between retry, 'failed' and 'unsent' from the error (see worker.ts).
import { CtiError, ErrorCodes } from '../../errors.js';

export interface OutgoingSms {
  /** the outbox row id; also keys the concatenation reference, so a retry reuses it */
  id: number;
  to: string;
  text: string;
}

export interface SmsDriver {
  /** recorded in sms_outbox.driver */
  readonly name: string;
  /** resolves once the gateway accepted the message (not once the phone received it) */
  send(msg: OutgoingSms): Promise<{ providerMessageId: string }>;
  close(): Promise<void>;
}

/** Shown on the admin page for messages that were due while no gateway was configured. */
export const UNCONFIGURED_REASON = '未配置短信网关 (no SMS gateway configured)';

/** Stands in when server.yaml has no SMS gateway: nothing leaves the machine. */
export class UnconfiguredDriver implements SmsDriver {
  readonly name = 'unconfigured';

  async send(): Promise<{ providerMessageId: string }> {
    throw new CtiError('SMS_NOT_CONFIGURED', UNCONFIGURED_REASON);
  }

  async close(): Promise<void> {}
}

/** Errors after which sending the same message again cannot help. */
export function isPermanentSendError(err: unknown): boolean {
  return err instanceof CtiError && (err.detail as { permanent?: boolean } | undefined)?.permanent === true;
}

export function isNotConfigured(err: unknown): boolean {
  return err instanceof CtiError && err.code === ErrorCodes.SMS_NOT_CONFIGURED.code;
}
