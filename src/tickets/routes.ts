// The ticket API (docs/architecture.md §4): list and filter, create, one route per lifecycle action,
// the caller's history for the agent's screen pop, and public intake. Registered inside the
// authenticated /api scope, except `intakePlugin`.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CtiError } from '../errors.js';
import { audit, requireRole } from '../auth/index.js';
import { formatShanghai } from '../calendar/index.js';
import type { Actor, Action } from './lifecycle.js';
import type { TicketDesk } from './desk.js';
import type { TicketRow } from './rows.js';
import { ticketJson, isDepartmentUser, TicketView } from './view.js';
import {
  ActionBodies,
  AttachmentBody,
  AttachmentDownload,
  CallerHistoryView,
  IdParams,
  IntakeBody,
  IntakeReceipt,
  ListQuery,
  NewTicketBody,
} from './schemas.js';
import { isInlineType, type AttachmentStore } from './attachments.js';
import { CallerHistory } from './caller-history.js';
import { Nullable } from '../api-schema.js';

export interface TicketsPluginOptions {
  desk: TicketDesk;
  attachments: AttachmentStore;
  departmentName: (id: string) => string | null;
  now: () => Date;
}

const actionPaths: Record<Action, string> = {
  dispatch: 'dispatch',
  sign: 'sign',
  return: 'return',
  arbitrate: 'arbitrate',
  reply: 'reply',
  close: 'close',
  follow_up: 'follow-up',
  reopen: 'reopen',
  request_extension: 'extension',
  decide_extension: 'extension/decision',
  supervise: 'supervise',
};

/** One line per ticket action for the API's own page (/docs). */
const actionSummaries: Record<Action, string> = {
  dispatch: 'dispatch to a department (派单); the deadlines start',
  sign: 'the department takes the ticket (签收)',
  return: 'the department sends the ticket back with a reason (退单)',
  arbitrate: 'the centre decides a returned ticket (仲裁): re-dispatch or keep',
  reply: "the department's answer (答复)",
  close: 'close the ticket (办结)',
  follow_up: "the citizen's verdict on the answer (回访)",
  reopen: 'open the ticket again for another round (重办)',
  request_extension: 'the department asks for more working days (延期申请)',
  decide_extension: 'the centre grants or refuses an extension',
  supervise: 'urge the department, with a note (督办)',
};

const centreRoles = requireRole('agent', 'supervisor');

/** One ticket with its history, as GET /tickets/:id answers it. */
const TicketDetail = Type.Object({
  ...TicketView.properties,
  events: Type.Array(
    Type.Object({
      id: Type.Integer(),
      at: Type.String(),
      actor_id: Nullable(Type.Integer()),
      action: Type.String(),
      from_status: Nullable(Type.String()),
      to_status: Nullable(Type.String()),
      detail: Type.Unknown({ description: "the action's own fields (reason, note, days, …)" }),
    }),
  ),
  extension_requests: Type.Array(
    Type.Object({
      id: Type.Integer(),
      days: Type.Integer(),
      reason: Type.String(),
      requested_by: Nullable(Type.Integer()),
      requested_ms: Type.Integer(),
      status: Type.String(),
      decided_by: Nullable(Type.Integer()),
      decided_ms: Nullable(Type.Integer()),
      decision_note: Nullable(Type.String()),
    }),
  ),
  attachments: Type.Array(
    Type.Object({ id: Type.Integer(), filename: Type.String(), mime: Type.String(), size: Type.Integer(), sha256: Type.String(), at: Type.String() }),
  ),
});

export const ticketsPlugin: FastifyPluginAsyncTypebox<TicketsPluginOptions> = async (app, opts) => {
  const { desk, attachments, now } = opts;
  const history = new CallerHistory(app.db);
  const actorOf = (user: unknown) => user as Actor;
  const view = (t: TicketRow, viewer: Actor) => ticketJson(t, viewer, desk.lights(t, now().getTime()), opts.departmentName);

  /** Department users reach only their own department's tickets. */
  const visible = (id: number, viewer: Actor): TicketRow => {
    const t = desk.get(id);
    if (isDepartmentUser(viewer) && t.department_id !== viewer.department) {
      throw new CtiError('TICKET_FORBIDDEN', '这是其他部门的工单 (the ticket belongs to another department)');
    }
    return t;
  };

  app.get(
    '/tickets',
    {
      schema: {
        summary: 'tickets this user may see, filtered and paged',
        tags: ['tickets'],
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(TicketView) }) },
      },
    },
    async (req) => {
      const viewer = actorOf(req.user);
      const q = req.query;
      const nowMs = now().getTime();
      const clocks = desk.clocksNow();
      const rows = desk.list({
        status: q.status?.split(',') as TicketRow['status'][] | undefined,
        type: q.type,
        department: isDepartmentUser(viewer) ? viewer.department! : q.department,
        caller: isDepartmentUser(viewer) ? undefined : q.caller,
        light: q.light && { light: q.light, nowMs, signBound: clocks.yellowBound(nowMs, 'sign'), resolveBound: clocks.yellowBound(nowMs, 'resolve') },
        fromMs: q.from ? Date.parse(q.from) : undefined,
        toMs: q.to ? Date.parse(q.to) : undefined,
        limit: q.limit,
        offset: q.offset,
      });
      return { items: rows.map((t) => view(t, viewer)) };
    },
  );

  app.get(
    '/tickets/summary',
    {
      schema: {
        summary: 'ticket counts by status and light',
        tags: ['tickets'],
        response: {
          200: Type.Object({
            open_by_light: Type.Object(
              { green: Type.Integer(), yellow: Type.Integer(), red: Type.Integer() },
              { description: 'tickets with a department (dispatched or signed), by their worse clock' },
            ),
            by_status: Type.Record(Type.String(), Type.Integer(), { description: 'every ticket by status; a status with none is left out' }),
          }),
        },
      },
    },
    async (req) => {
      const viewer = actorOf(req.user);
      return desk.summary(now().getTime(), isDepartmentUser(viewer) ? viewer.department! : undefined);
    },
  );

  app.post(
    '/tickets',
    {
      schema: { summary: 'create a ticket (受理), from a call or by hand', tags: ['tickets'], body: NewTicketBody, response: { 201: TicketView } },
      preHandler: centreRoles,
    },
    async (req, reply) => {
      const { dispatch_to, ...input } = req.body;
      const t = await desk.create({ ...input, channel: input.channel ?? 'phone' }, actorOf(req.user), dispatch_to);
      reply.code(201);
      return view(t, actorOf(req.user));
    },
  );

  app.get(
    '/tickets/:id',
    {
      schema: {
        summary: 'one ticket with its events, extension requests and attachments',
        tags: ['tickets'],
        params: IdParams,
        response: { 200: TicketDetail },
      },
    },
    async (req) => {
      const viewer = actorOf(req.user);
      const t = visible(req.params.id, viewer);
      return {
        ...view(t, viewer),
        events: desk.rows.events(t.id).map((e) => ({
          id: e.id,
          at: formatShanghai(new Date(e.at_ms)),
          actor_id: e.actor_id,
          action: e.action,
          from_status: e.from_status,
          to_status: e.to_status,
          detail: JSON.parse(e.detail) as unknown,
        })),
        extension_requests: desk.extensionRequests(t.id),
        attachments: attachments
          .list(t.id)
          .map((a) => ({ id: a.id, filename: a.filename, mime: a.mime, size: a.size, sha256: a.sha256, at: formatShanghai(new Date(a.at_ms)) })),
      };
    },
  );

  for (const [action, path] of Object.entries(actionPaths) as Array<[Action, string]>) {
    app.post(
      `/tickets/:id/${path}`,
      { schema: { summary: actionSummaries[action], tags: ['tickets'], params: IdParams, body: ActionBodies[action], response: { 200: TicketView } } },
      async (req) => {
        const viewer = actorOf(req.user);
        visible(req.params.id, viewer);
        return view(await desk.act(req.params.id, action, req.body, viewer), viewer);
      },
    );
  }

  app.get(
    '/tickets/:id/caller',
    {
      schema: {
        summary: "the caller's number and name, for this ticket (audited when a department reads it)",
        tags: ['tickets'],
        params: IdParams,
        response: { 200: Type.Object({ caller: Type.String(), caller_name: Nullable(Type.String()) }) },
      },
    },
    async (req) => {
      const viewer = actorOf(req.user);
      const t = visible(req.params.id, viewer);
      if (isDepartmentUser(viewer)) {
        if (t.confidential) throw new CtiError('TICKET_FORBIDDEN', '保密工单不向部门提供来电号码 (a confidential ticket hides the caller from departments)');
        audit(app.db, { userId: viewer.id, action: 'ticket.caller_read', subject: `ticket:${t.id}`, detail: { department: viewer.department } }, now());
      }
      return { caller: t.caller, caller_name: t.caller_name };
    },
  );

  app.post(
    '/tickets/:id/attachments',
    {
      schema: {
        summary: 'attach a file (photo or document) to a ticket',
        tags: ['tickets'],
        params: IdParams,
        body: AttachmentBody,
        response: { 201: Type.Object({ id: Type.Integer(), filename: Type.String(), mime: Type.String(), size: Type.Integer(), sha256: Type.String() }) },
      },
      bodyLimit: 15_000_000,
    },
    async (req, reply) => {
      const viewer = actorOf(req.user);
      const t = visible(req.params.id, viewer);
      const bytes = Buffer.from(req.body.content_base64, 'base64');
      const a = await attachments.save(t.id, { filename: req.body.filename, mime: req.body.mime, bytes }, viewer.id, now().getTime());
      reply.code(201);
      return { id: a.id, filename: a.filename, mime: a.mime, size: a.size, sha256: a.sha256 };
    },
  );

  app.get(
    '/tickets/:id/attachments/:aid',
    {
      schema: {
        summary: 'download an attachment',
        tags: ['tickets'],
        params: Type.Object({ id: Type.Integer(), aid: Type.Integer() }),
        response: { 200: AttachmentDownload },
      },
    },
    async (req, reply) => {
      const t = visible(req.params.id, actorOf(req.user));
      const a = attachments.get(t.id, req.params.aid);
      if (!a) throw new CtiError('HTTP_NOT_FOUND', `ticket ${t.id} has no attachment ${req.params.aid}`);
      // Stored before types were checked, a row may still hold HTML declared as an image: never
      // sniffed, never a page of this origin (sandboxed), and only images are shown inline.
      reply
        .type(a.mime)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('content-disposition', `${isInlineType(a.mime) ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(a.filename)}`);
      return attachments.read(a);
    },
  );

  app.get(
    '/callers/:number/history',
    {
      schema: {
        summary: "a caller's earlier calls and tickets",
        tags: ['tickets'],
        params: Type.Object({ number: Type.String({ pattern: '^\\+?[0-9]{3,20}$' }) }),
        response: { 200: CallerHistoryView },
      },
      preHandler: centreRoles,
    },
    async (req) => history.of(req.params.number, 20),
  );
};

/** Public intake (SMS, WeChat, app, web): makes a 受理 ticket for the centre to handle. */
export const intakePlugin: FastifyPluginAsyncTypebox<{ desk: TicketDesk }> = async (app, opts) => {
  app.post(
    '/intake',
    {
      schema: {
        tags: ['tickets'],
        summary: 'public intake (SMS, WeChat, app, web): no login',
        security: [],
        body: IntakeBody,
        response: { 201: IntakeReceipt },
      },
    },
    async (req, reply) => {
      const t = await opts.desk.create({ ...req.body, type: req.body.type ?? 'consultation' }, null);
      reply.code(201);
      return { id: t.id, status: t.status, created_at: formatShanghai(new Date(t.created_ms)) };
    },
  );
};
