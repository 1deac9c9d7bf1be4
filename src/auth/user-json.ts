// Users as they leave the server (API bodies, `cti user` output): snake_case fields and
// times in ISO 8601 with the +08:00 offset, like every other record (DESIGN.md §4).
import { Type, type Static } from 'typebox';
import { formatShanghai } from '../calendar/index.js';
import type { Role } from './roles.js';
import type { AuthUser, User } from './users.js';

const NullableString = Type.Union([Type.String(), Type.Null()]);

// Spelled out because a mapped array loses the literal types; the check below keeps it in step with ROLES.
export const RoleSchema = Type.Union([
  Type.Literal('agent'),
  Type.Literal('supervisor'),
  Type.Literal('dept_handler'),
  Type.Literal('dept_head'),
  Type.Literal('admin'),
]);
const sameRoles: [Static<typeof RoleSchema>] extends [Role] ? ([Role] extends [Static<typeof RoleSchema>] ? true : never) : never = true;
void sameRoles;

export const AuthUserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  display_name: Type.String(),
  role: RoleSchema,
  department: NullableString,
});

export const UserSchema = Type.Object({
  ...AuthUserSchema.properties,
  mobile: NullableString,
  disabled: Type.Boolean(),
  created_at: Type.String(),
  /** only while a lockout lasts */
  locked_until: NullableString,
});

export function authUserJson(user: AuthUser) {
  return { id: user.id, username: user.username, display_name: user.displayName, role: user.role, department: user.department };
}

export function userJson(user: User, now: Date) {
  const locked = user.lockedUntil !== null && user.lockedUntil.getTime() > now.getTime();
  return {
    ...authUserJson(user),
    mobile: user.mobile,
    disabled: user.disabled,
    created_at: formatShanghai(user.createdAt),
    locked_until: locked ? formatShanghai(user.lockedUntil!) : null,
  };
}
