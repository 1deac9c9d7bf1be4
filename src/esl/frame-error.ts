// A malformed frame, reported instead of thrown: the socket handler that meets one keeps
// running, and the parser has already skipped to the next frame start (see README.md).
import { CtiError } from '../errors.js';

export type FrameErrorReason =
  /** a header line that is not `Name: value` (garbage between or inside frames) */
  | 'header-line'
  /** Content-Length is not a decimal byte count, or larger than the parser accepts */
  | 'content-length'
  /** an event, api/response or log/data frame without Content-Length */
  | 'missing-content-length'
  /** a header block holding the start of a second frame: the blank line after the first was lost */
  | 'missing-blank-line'
  /** a header block without Content-Type */
  | 'missing-content-type'
  /** no blank line after this many header bytes */
  | 'header-too-long'
  /** the body does not match its own framing: a shorter frame swallowed the start of the next */
  | 'body-framing'
  /** the body parsed as a frame but its event could not be decoded (bad JSON, no Event-Name) */
  | 'event-decode'
  /** the connection ended in the middle of a frame */
  | 'truncated';

/** How many dropped bytes an error keeps for the log; the total is in `droppedBytes`. */
export const FRAME_ERROR_SAMPLE_BYTES = 16 * 1024;

export class FrameError extends CtiError {
  constructor(
    readonly reason: FrameErrorReason,
    detailText: string,
    /** the first FRAME_ERROR_SAMPLE_BYTES of what was dropped */
    readonly bytes: Buffer,
    /** every byte dropped for this error, which may be more than `bytes` holds */
    readonly droppedBytes: number,
    /** the Content-Type the broken frame declared, when it declared one */
    readonly declaredType: string | undefined,
  ) {
    super('ESL_BAD_FRAME', `malformed ESL frame (${reason}): ${detailText}`, { reason, droppedBytes, declaredType });
  }

  /** True when the lost frame was a reply, so a command somewhere will never get its own. */
  get lostReply(): boolean {
    return this.declaredType === 'command/reply' || this.declaredType === 'api/response';
  }
}
