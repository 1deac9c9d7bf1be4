// Pieces of the API's JSON schemas that every area's routes share. A leaf: it imports only
// TypeBox, so any area may use it without an import circle (test/imports.test.ts).
import { Type } from 'typebox';

/** `t`, or null: a field the answer always has, empty when there is nothing to say. */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T, options?: Parameters<typeof Type.Union>[1]) =>
  Type.Union([t, Type.Null()], options);

/** An instant as the API writes it: ISO 8601 in Asia/Shanghai, with +08:00. */
export const Instant = Type.String({ description: 'ISO 8601 in Asia/Shanghai, with +08:00' });
