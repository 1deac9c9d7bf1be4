// Public surface of users, sessions, roles and the audit trail.
export { ROLES, ROLE_NAMES, DEPARTMENT_ROLES, isRole, isDepartmentRole, describeRoles, type Role } from './roles.js';
export { authMigration, lockoutMigration } from './migration.js';
export { hashPassword, verifyPassword, MIN_PASSWORD_LENGTH, PASSWORD_COST, type ScryptCost } from './password.js';
export { UserStore, LOCKOUT, lockMinutes, type Lockout, type AuthUser, type User, type NewUser, type DepartmentContact } from './users.js';
export { SessionStore, SESSION_TTL_MS, type NewSession } from './sessions.js';
export { audit, type AuditEntry } from './audit.js';
export { authPlugin, requireRole, bearerToken, type AuthPluginOptions } from './auth-plugin.js';
export { usersPlugin, type UsersPluginOptions } from './users-plugin.js';
export { userJson, authUserJson, lockoutJson, UserSchema, AuthUserSchema, LockoutSchema } from './user-json.js';
export { requestLimitsPlugin, requestLimitsOf, type RequestLimit, type RequestLimitsOptions } from './request-limits.js';
export { securityHeadersPlugin, SECURITY_HEADERS } from './security-headers.js';
