// Users as they leave the server (API bodies, `cti user` output): snake_case fields and
// times in ISO 8601 with the +08:00 offset, like every other record (docs/architecture.md §4).
import { Type, type Static } from 'typebox';
import { formatShanghai } from '../calendar/index.js';
import type { Role } from './roles.js';
import type { AuthUser, Lockout, User } from './users.js';

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
  /** only while a lock lasts: the latest end of the account's locks, from one address or all (GET /api/admin/lockouts says which) */
  locked_until: NullableString,
});

export const LockoutSchema = Type.Object({
  user_id: Type.Integer(),
  username: Type.String(),
  display_name: Type.String(),
  /** 'account': locked for every address (many failures from many addresses); 'address': for this one only */
  scope: Type.Union([Type.Literal('account'), Type.Literal('address')]),
  address: NullableString,
  locked_until: Type.String(),
  /** locks in a row from this address (each lasts twice the one before, capped); null for 'account' */
  locks: Type.Union([Type.Integer(), Type.Null()]),
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

export function lockoutJson(l: Lockout) {
  return {
    user_id: l.userId,
    username: l.username,
    display_name: l.displayName,
    scope: l.address === null ? ('account' as const) : ('address' as const),
    address: l.address,
    locked_until: formatShanghai(l.lockedUntil),
    locks: l.locks,
  };
}
