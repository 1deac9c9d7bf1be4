// Photos and documents attached to tickets (a department's reply with photos, a citizen's
// evidence). Files are content-addressed on disk by sha256; the table keeps the hash, so a
// file changed on disk is detected when read.
// Issue 19: the declared type was trusted, so an HTML page declared as image/png was stored and
// served back, and one account could fill the disk. Now the bytes must be what they claim (magic
// numbers, `file-type`), and a ticket and a user's day have quotas (server.yaml `limits:`).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type { Db, Migration } from '../store/index.js';
import type { QuotaSettings } from '../config/index.js';
import { dayStartMs, shanghaiDayOf } from '../calendar/shanghai-time.js';
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

/**
 * What may be uploaded: photos (what the department page sends) and PDF (scanned letters), as the
 * upload schema has always allowed. Each is told by its magic bytes; text formats (HTML, SVG,
 * plain text) have none and could not be checked, so none is allowed.
 */
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** Shown inline: an image cannot run script, whatever a browser makes of it. Anything else is a download. */
export const isInlineType = (mime: string) => mime.startsWith('image/') && (ATTACHMENT_TYPES as readonly string[]).includes(mime);

export interface AttachmentQuotas {
  perTicket: QuotaSettings;
  /** one user's uploads in one Shanghai calendar day */
  perUserPerDay: QuotaSettings;
}

/** Version 15: the per-user daily quota reads a user's uploads since midnight without a scan. */
export const attachmentsByUploaderMigration: Migration = {
  version: 15,
  name: 'attachments_by_uploader',
  up: 'CREATE INDEX attachments_by_uploader ON attachments (uploaded_by, at_ms)',
};

const MIB = 1024 * 1024;
const mb = (bytes: number) => `${Math.round((bytes / MIB) * 10) / 10} MB`;

export class AttachmentStore {
  private readonly used;
  private readonly usedByUser;

  constructor(
    private readonly db: Db,
    private readonly dir: string,
    /** read at each upload: server.yaml's limits as started */
    private readonly quotas: () => AttachmentQuotas,
  ) {
    this.used = db.prepare<[number], { n: number; bytes: number }>(
      'SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM attachments WHERE ticket_id = ?',
    );
    this.usedByUser = db.prepare<[number, number], { n: number; bytes: number }>(
      'SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM attachments WHERE uploaded_by = ? AND at_ms >= ?',
    );
  }

  /**
   * Checks the bytes against the declared type, then the quotas, then writes the file (idempotent
   * by hash) and the row: a crash leaves at most an orphan file. After the type check nothing
   * awaits, so two uploads at once cannot both pass a quota with room for one.
   */
  async save(ticketId: number, file: { filename: string; mime: string; bytes: Buffer }, userId: number | null, nowMs: number): Promise<AttachmentRow> {
    if (file.bytes.length === 0 || file.bytes.length > MAX_ATTACHMENT_BYTES) {
      throw new CtiError('TICKET_BAD_INPUT', `附件大小应在 1 字节到 10 MB 之间 (attachment must be 1 byte to 10 MiB)`, { field: 'content_base64' });
    }
    await checkType(file.mime, file.bytes);
    this.checkQuotas(ticketId, file.bytes.length, userId, nowMs);
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

  private checkQuotas(ticketId: number, size: number, userId: number | null, nowMs: number): void {
    const q = this.quotas();
    const ticket = this.used.get(ticketId)!;
    if (ticket.n + 1 > q.perTicket.count || ticket.bytes + size > q.perTicket.bytes) {
      throw new CtiError(
        'ATTACHMENT_QUOTA',
        `该工单的附件已达上限（最多 ${q.perTicket.count} 个、共 ${mb(q.perTicket.bytes)}；已有 ${ticket.n} 个、${mb(ticket.bytes)}）`,
        {
          field: 'content_base64',
          quota: 'per_ticket',
          used: { count: ticket.n, bytes: ticket.bytes },
          limit: { count: q.perTicket.count, bytes: q.perTicket.bytes },
        },
      );
    }
    if (userId === null) return;
    const day = this.usedByUser.get(userId, dayStartMs(shanghaiDayOf(nowMs)))!;
    if (day.n + 1 > q.perUserPerDay.count || day.bytes + size > q.perUserPerDay.bytes) {
      throw new CtiError(
        'ATTACHMENT_QUOTA',
        `您今天上传的附件已达上限（每天最多 ${q.perUserPerDay.count} 个、共 ${mb(q.perUserPerDay.bytes)}；今天已上传 ${day.n} 个、${mb(day.bytes)}），请明天再试`,
        {
          field: 'content_base64',
          quota: 'per_user_per_day',
          used: { count: day.n, bytes: day.bytes },
          limit: { count: q.perUserPerDay.count, bytes: q.perUserPerDay.bytes },
        },
      );
    }
  }

  private pathOf(sha256: string): string {
    return join(this.dir, sha256);
  }
}

/** The bytes' real type (magic numbers) must be an allowed one, and the one declared. */
async function checkType(declared: string, bytes: Buffer): Promise<void> {
  const detected = (await fileTypeFromBuffer(bytes))?.mime ?? null;
  if (detected === declared && (ATTACHMENT_TYPES as readonly string[]).includes(detected)) return;
  const allowed = ATTACHMENT_TYPES.join(', ');
  const what = detected ? `实际为 ${detected}` : '无法识别其类型（例如网页或文本）';
  throw new CtiError('ATTACHMENT_TYPE', `附件内容与声明的类型 ${declared} 不符：${what}。只能上传 JPEG、PNG、WebP 图片或 PDF 文件`, {
    field: 'content_base64',
    declared,
    detected,
    allowed,
  });
}
