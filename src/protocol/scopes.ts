/** Roles a connection may take. */
export const ROLES = ['operator', 'node'] as const;
export type Role = (typeof ROLES)[number];

/** Operator scopes known to this gateway. */
export const OPERATOR_SCOPES = [
  'operator.admin',
  'operator.read',
  'operator.write',
  'operator.approvals',
  'operator.pairing',
  'operator.talk.secrets',
] as const;
export type OperatorScope = (typeof OPERATOR_SCOPES)[number];

/** The scopes the clawgate CLI (and OpenClaw's 2.22 CLI) asks for by default, in signature order. */
export const CLI_DEFAULT_SCOPES: readonly string[] = [
  'operator.admin',
  'operator.read',
  'operator.write',
  'operator.approvals',
  'operator.pairing',
];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
