// Departments live in routing.yaml; the table mirrors them so tickets keep a foreign key
// and reports keep the names of departments that were later renamed or removed.
import type { Db } from '../store/index.js';
import type { RoutingPlan } from '../config/index.js';

export function syncDepartments(db: Db, routing: RoutingPlan): void {
  const upsert = db.prepare(
    `INSERT INTO departments (id, name, head_mobile, active) VALUES (?, ?, ?, 1)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, head_mobile = excluded.head_mobile, active = 1`,
  );
  db.transaction(() => {
    db.prepare('UPDATE departments SET active = 0').run();
    for (const d of routing.departments.values()) upsert.run(d.id, d.name, d.headMobile);
  })();
}
