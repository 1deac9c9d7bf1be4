// Released migrations are never edited (src/schema.ts): a database made by an earlier release
// must be brought forward by exactly the SQL it would have run. Each migration's SQL is held
// here by its SHA-256; a new migration adds a line, a changed one fails.
import t from 'tap';
import { createHash } from 'node:crypto';
import { schema } from '../src/schema.js';
import { openDatabase } from '../src/store/index.js';

const RELEASED: Array<[number, string, string]> = [
  [1, 'config_reloads', '10f0bd0f62fb56c12f90e63e919b25813571f56af73e484cfcad64ba6f9b3f5a'],
  [2, 'sms_outbox', '2cfe889ea8357c78c6ba8981edace7eb71c71ae3746e1b047b83424408115fd5'],
  [3, 'users_and_sessions', '66e82b630b56c6360ffefb4753e9ca8cb2c8957fa4cfa02da051d5f146822533'],
  [4, 'calls_and_tickets', '1a961a157134fde54a7f9e430598fe0a7966e9cdf141a437f881de3353a449fb'],
  [5, 'acd_state', '8e6326af4e63b1759601515904ba13a7a61a967a31e299edf01299290797a856'],
  [6, 'alerts', '894088244a8fe14b5d85a572e9c4488e8b3503f034cdcfee40d072a22ce56d95'],
  [7, 'callbacks', '05bc2dbcab57f3609351f4a9af5ffca356d4ab810eece2354183ffa2a04d653f'],
  [8, 'report_indexes', '17f6331ed66dbc90206cd1b7618751c5bda1e6ec95e1116e11d7b0a8bc1be72c'],
  [9, 'open_calls_index', 'ac88ad012823204471f7079b4c581fbecaa2d59ef1c36ab4b86f7787769843f3'],
  [10, 'tickets_by_dispatch', '89037354d18e3c495bbe7b879d37b9833b0d07c633fea3d235458ac353eee805'],
  [11, 'tickets_deadline_provisional', 'dff731c7b04d14ab4137b81a9f1cebcc8e8bc8f3838c12e910ae5c575f99d6f7'],
  [12, 'acd_seat_holders', 'ebf5151fa5e7d661dafc641048bd9d7ae2b17fc7152db30fc6d7b8d3135b51c0'],
  [13, 'callback_messages', '0797b9054763dbdf48d24770d92fc520c4130266c9ca0d3adceaca32eb5d75f8'],
  [14, 'login_lockouts_per_address', '5ecfd97b3bb7606a135f53554a722e41dd7f2f7f6ea7d995152820b289ce6d22'],
  [15, 'attachments_by_uploader', '5cc509d8f2c008c176b2d178cabbca53f75401b39f68c940f096eee04d1f8f2a'],
];

const digest = (up: string | ((...a: never[]) => void)) =>
  createHash('sha256')
    .update(typeof up === 'string' ? up : String(up))
    .digest('hex');

t.test('every released migration keeps its SQL byte for byte', async (t) => {
  t.ok(schema.length >= RELEASED.length, `${schema.length} migrations, ${RELEASED.length} released`);
  for (const [version, name, sha] of RELEASED) {
    const m = schema[version - 1];
    t.same(m && [m.version, m.name, digest(m.up)], [version, name, sha], `version ${version} (${name})`);
  }
});

t.test('version 4, joined from the parts its areas keep, builds the tables it always built', async (t) => {
  const db = openDatabase(':memory:', schema);
  t.teardown(() => db.close());
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
  for (const table of ['departments', 'calls', 'call_legs', 'transfer_attempts', 'tickets', 'ticket_events', 'attachments'])
    t.ok(tables.includes(table), table);
});
