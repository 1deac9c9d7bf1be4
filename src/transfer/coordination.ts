// Emergency linkage the other way (应急联动): an emergency platform (110, 119, 120, 96333) asks
// 12345 to bring in government departments for an incident it handles — a fallen tree the
// police report, a burst main the fire brigade meets. Each named department gets a ticket of
// the highest priority, dispatched at once and linked to the platform's incident number, so
// its clocks, lights and reminders run as for any ticket; the wallboard hears of it at once.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireRole } from '../auth/index.js';
import type { Actor, TicketDesk } from '../tickets/index.js';
import { CtiError } from '../errors.js';
import { formatShanghai } from '../calendar/index.js';
import { Instant, Nullable } from '../api-schema.js';

export interface CoordinationOptions {
  desk: TicketDesk;
  publish: (message: { type: string; [key: string]: unknown }) => void;
}

const CoordinationBody = Type.Object({
  platform: Type.String({ pattern: '^[0-9]{3,6}$', description: 'the emergency hotline asking: 110, 119, 120 or 96333' }),
  reference: Type.String({ minLength: 1, maxLength: 64, description: "the platform's own incident number" }),
  departments: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 20, uniqueItems: true }),
  content: Type.String({ minLength: 1, maxLength: 4000 }),
  location: Type.Optional(Type.String({ maxLength: 200 })),
  caller: Type.Optional(Type.String({ pattern: '^\\+?[0-9]{3,20}$' })),
  type: Type.Optional(Type.Union([Type.Literal('help'), Type.Literal('report'), Type.Literal('complaint'), Type.Literal('consultation')])),
});

const CoordinationAnswer = Type.Object({
  platform: Type.String(),
  reference: Type.String(),
  tickets: Type.Array(
    Type.Object({
      id: Type.Integer({ description: 'the ticket made for this department, dispatched at once' }),
      department: Type.String(),
      status: Type.String(),
      sign_due_at: Nullable(Instant),
    }),
  ),
});

export const coordinationPlugin: FastifyPluginAsyncTypebox<CoordinationOptions> = async (app, opts) => {
  app.post(
    '/emergency/coordination',
    {
      preHandler: requireRole('supervisor', 'admin', 'agent'),
      schema: {
        summary: 'ask an emergency service to coordinate (联动), with a ticket',
        tags: ['transfer'],
        body: CoordinationBody,
        response: { 201: CoordinationAnswer },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const routing = app.config.current.routing;
      const platform = routing.byNumber.get(b.platform);
      if (platform?.mode !== 'emergency')
        throw new CtiError('TICKET_BAD_INPUT', `platform: ${b.platform} 不是应急联动热线 (not an emergency hotline)`, { field: 'platform' });
      const unknown = b.departments.find((d) => !routing.departments.has(d));
      if (unknown) throw new CtiError('TICKET_BAD_INPUT', `departments: 没有部门 ${unknown} (no such department)`, { field: 'departments' });
      const content = `【${platform.name}（${platform.number}）联动请求，事件编号 ${b.reference}】${b.location ? `地点：${b.location}。` : ''}${b.content}`;
      const tickets = [];
      for (const department of b.departments) {
        const row = await opts.desk.create(
          {
            type: b.type ?? 'help',
            channel: 'emergency',
            caller: b.caller ?? platform.number,
            content,
            classification: `应急联动/${platform.number}/${b.reference}`,
            origin_hotline: platform.number,
            priority: 3,
          },
          req.user as Actor,
          department,
        );
        tickets.push({ id: row.id, department, status: row.status, sign_due_at: row.sign_due_ms === null ? null : formatShanghai(new Date(row.sign_due_ms)) });
      }
      opts.publish({ type: 'emergency_coordination', platform: platform.number, platform_name: platform.name, reference: b.reference, tickets });
      return reply.code(201).send({ platform: platform.number, reference: b.reference, tickets });
    },
  );
};
