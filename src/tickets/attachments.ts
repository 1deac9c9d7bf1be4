// Photos and documents attached to tickets (a department's reply with photos, a citizen's
// evidence). Files are content-addressed on disk by sha256; the table keeps the hash, so a
// file changed on disk is detected when read.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../store/index.js';
import { CtiError } from '../errors.js';

export interface AttachmentRow {
  id: number;
  ticket_id: number;
  filename: string;
  mime: string;
  size: number;
  sha256: string;
  uploaded_by: number | null;
  at_ms: number;
}

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

export class AttachmentStore {
  constructor(
    private readonly db: Db,
    private readonly dir: string,
  ) {}

  /** Writes the file first (idempotent by hash), then the row: a crash leaves at most an orphan file. */
  save(ticketId: number, file: { filename: string; mime: string; bytes: Buffer }, userId: number | null, nowMs: number): AttachmentRow {
    if (file.bytes.length === 0 || file.bytes.length > MAX_ATTACHMENT_BYTES) {
      throw new CtiError('TICKET_BAD_INPUT', `附件大小应在 1 字节到 10 MB 之间 (attachment must be 1 byte to 10 MiB)`, { field: 'content_base64' });
    }
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    const path = this.pathOf(sha256);
    if (!existsSync(path)) {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(`${path}.part`, file.bytes);
      renameSync(`${path}.part`, path);
    }
    const r = this.db
      .prepare('INSERT INTO attachments (ticket_id, filename, mime, size, sha256, uploaded_by, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(ticketId, file.filename, file.mime, file.bytes.length, sha256, userId, nowMs);
    return this.get(ticketId, Number(r.lastInsertRowid))!;
  }

  list(ticketId: number): AttachmentRow[] {
    return this.db.prepare<[number], AttachmentRow>('SELECT * FROM attachments WHERE ticket_id = ? ORDER BY id').all(ticketId);
  }

  get(ticketId: number, id: number): AttachmentRow | undefined {
    return this.db.prepare<[number, number], AttachmentRow>('SELECT * FROM attachments WHERE ticket_id = ? AND id = ?').get(ticketId, id);
  }

  read(row: AttachmentRow): Buffer {
    const bytes = readFileSync(this.pathOf(row.sha256));
    if (createHash('sha256').update(bytes).digest('hex') !== row.sha256) {
      throw new Error(`attachment ${row.id}: file on disk does not match its sha256`);
    }
    return bytes;
  }

  private pathOf(sha256: string): string {
    return join(this.dir, sha256);
  }
}
