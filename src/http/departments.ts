import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

const Department = Type.Object({ id: Type.String(), name: Type.String(), hotlines: Type.Array(Type.String()) });

/** Departments and their hotline numbers, straight from the routing config in force. */
export const departmentsPlugin: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/departments',
    { schema: { summary: 'departments tickets can be dispatched to', tags: ['routing'], response: { 200: Type.Array(Department) } } },
    async () => [...app.config.current.routing.departments.values()].map((d) => ({ id: d.id, name: d.name, hotlines: d.hotlines })),
  );
};
