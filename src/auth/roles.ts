// Who may do what is decided by role; department users are additionally tied to one
// department of the routing config (they only see that department's tickets).

export const ROLES = ['agent', 'supervisor', 'dept_handler', 'dept_head', 'admin'] as const;

export type Role = (typeof ROLES)[number];

/** Chinese names, for messages people read and the pages alike (the seed plan's 承办人员). */
export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  agent: '坐席',
  supervisor: '班长',
  dept_handler: '部门承办人',
  dept_head: '部门负责人',
  admin: '管理员',
};

/** Roles that belong to a department; every other role must have none. */
export const DEPARTMENT_ROLES: readonly Role[] = ['dept_handler', 'dept_head'];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function isDepartmentRole(role: Role): boolean {
  return DEPARTMENT_ROLES.includes(role);
}

/** "admin（管理员）、supervisor（班长）" — used when a request lacks a role. */
export function describeRoles(roles: readonly Role[]): string {
  return roles.map((r) => `${r}（${ROLE_NAMES[r]}）`).join('、');
}
