import { isSafeText } from './text';
import type { TeamId, UserId } from './ids';

/** Wire's account status (brig `user.status`). */
export const userStatuses = ['active', 'suspended', 'deleted', 'ephemeral', 'pending-invitation'] as const;
export type UserStatus = (typeof userStatuses)[number];

/** Who may change the user: the user (wire) or a SCIM client (scim). brig `managed_by` 0 / 1. */
export type ManagedBy = 'wire' | 'scim';

export interface User {
  id: UserId;
  team: TeamId | null;
  name: string;
  handle: string | null;
  /** The validated email, and one waiting for validation (brig keeps both). */
  email: string | null;
  emailUnvalidated: string | null;
  /** ISO 639-1 language and optional ISO 3166 country, e.g. `en` / `DE`. */
  language: string | null;
  country: string | null;
  status: UserStatus;
  managedBy: ManagedBy;
  /** brig's `sso_id` JSON text: `{"tenant":…,"subject":…}` or `{"scim_external_id":…}`. */
  ssoId: string | null;
  /** argon2id hash; null for users who log in only with SSO. */
  passwordHash: string | null;
  activated: boolean;
}

/** Team roles, from most to least privileged. */
export const roles = ['owner', 'admin', 'member', 'partner'] as const;
export type Role = (typeof roles)[number];

/**
 * Wire's team permission bits (galley `team_member.perms`). Roles are sets of them; the stored
 * form is the bit set, as galley stores it, so Wire tools read our rows.
 */
const permissionBits = {
  CreateConversation: 0x1,
  DeleteConversation: 0x2,
  AddTeamMember: 0x4,
  RemoveTeamMember: 0x8,
  AddRemoveConvMember: 0x10,
  ModifyConvName: 0x20,
  GetBilling: 0x40,
  SetBilling: 0x80,
  SetTeamData: 0x100,
  GetMemberPermissions: 0x200,
  GetTeamConversations: 0x400,
  DeleteTeam: 0x800,
  SetMemberPermissions: 0x1000,
} as const;

const p = permissionBits;
export const rolePermissions: Record<Role, bigint> = {
  owner: 0x1fffn,
  admin: BigInt(0x1fff & ~(p.GetBilling | p.SetBilling | p.DeleteTeam)),
  member: BigInt(
    p.CreateConversation |
      p.DeleteConversation |
      p.AddRemoveConvMember |
      p.ModifyConvName |
      p.GetMemberPermissions |
      p.GetTeamConversations,
  ),
  partner: BigInt(p.CreateConversation | p.GetTeamConversations),
};

/** The most privileged role whose permissions the bit set includes (as galley derives roles). */
export function roleOf(perms: bigint): Role | null {
  return roles.find((r) => (perms & rolePermissions[r]) === rolePermissions[r]) ?? null;
}

/** spar's hidden permissions (IdP and SCIM-token management) belong to owners and admins. */
export function canManageSso(role: Role | null): boolean {
  return role === 'owner' || role === 'admin';
}

export interface Team {
  id: TeamId;
  name: string;
  creator: UserId;
  deleted: boolean;
}

export interface TeamMember {
  team: TeamId;
  user: UserId;
  role: Role;
  invitedBy: UserId | null;
  invitedAt: Date | null;
}

/** The email key brig indexes: trimmed and lowercased (addresses are case-insensitive in practice). */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * A deliberately simple address check: one @, no spaces, a dot in the domain, at most 254 chars,
 * and none of the characters `findUnsafeCharacter` refuses (NUL is not whitespace to a regex).
 */
export function isEmail(s: string): boolean {
  return s.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s) && isSafeText(s);
}

/** A user record with Wire's defaults for a new account: active, activated, managed by Wire. */
export function newUserRecord(fields: Pick<User, 'id' | 'team' | 'name'> & Partial<User>): User {
  return {
    handle: null,
    email: null,
    emailUnvalidated: null,
    language: null,
    country: null,
    status: 'active',
    managedBy: 'wire',
    ssoId: null,
    passwordHash: null,
    activated: true,
    ...fields,
  };
}
