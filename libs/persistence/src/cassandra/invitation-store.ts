import { type Role, type TeamId, type UserId, emailKey, roles } from '@sso/domain';
import type { types } from 'cassandra-driver';
import {
  type ActivationRecord,
  type ActivationStore,
  type InvitationCodeRecord,
  type InvitationRecord,
  type InvitationStore,
  codeRowTtl,
  ttlUntil,
} from '../ports/invitation-store';
import type { CassandraDb } from './db';
import { applied, uuidOrNull, uuidText } from './store-helpers';

/** Wire's `team_invitation.role`: owner 1, admin 2, member 3, partner 4. */
const roleCode = (r: Role): number => roles.indexOf(r) + 1;
function roleOf(code: unknown): Role {
  return roles[(code as number) - 1] ?? 'member';
}

/**
 * brig `team_invitation` (plain writes, TTL), `team_invitation_info` and `team_invitation_email`
 * (written only with lightweight transactions: insert IF NOT EXISTS, use IF, delete IF). Of two
 * pending invitations of one address in one team, the first holds the email row.
 */
export class CassandraInvitationStore implements InvitationStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.brig;
  }

  async create(inv: InvitationRecord): Promise<void> {
    const codeTtl = codeRowTtl(inv.expiresAt, inv.createdAt);
    const rs = await this.db.execute(
      'team_invitation_info.insert',
      `INSERT INTO ${this.ks}.team_invitation_info (code, id, team, expires_at) VALUES (?, ?, ?, ?) IF NOT EXISTS USING TTL ?`,
      [inv.code, inv.id, inv.team, inv.expiresAt, codeTtl],
    );
    if (!applied(rs)) throw new Error('team_invitation_info.insert: the code is already in use');
    await this.db.execute(
      'team_invitation.insert',
      `INSERT INTO ${this.ks}.team_invitation (team, id, code, created_at, created_by, email, name, role, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ?`,
      [
        inv.team,
        inv.id,
        inv.code,
        inv.createdAt,
        inv.createdBy,
        inv.email,
        inv.name,
        roleCode(inv.role),
        inv.expiresAt,
        ttlUntil(inv.expiresAt, inv.createdAt),
      ],
      { idempotent: true },
    );
    await this.db.execute(
      'team_invitation_email.insert',
      `INSERT INTO ${this.ks}.team_invitation_email (email, team, code, invitation) VALUES (?, ?, ?, ?) IF NOT EXISTS USING TTL ?`,
      [emailKey(inv.email), inv.team, inv.code, inv.id, ttlUntil(inv.expiresAt, inv.createdAt)],
    );
  }

  async pendingForEmail(key: string): Promise<boolean> {
    const rs = await this.db.execute(
      'team_invitation_email.get',
      `SELECT invitation FROM ${this.ks}.team_invitation_email WHERE email = ? LIMIT 1`,
      [key],
      { idempotent: true },
    );
    return rs.first() != null;
  }

  async get(team: TeamId, id: UserId): Promise<InvitationRecord | null> {
    const rs = await this.db.execute(
      'team_invitation.get',
      `SELECT team, id, code, created_at, created_by, email, name, role, expires_at FROM ${this.ks}.team_invitation WHERE team = ? AND id = ?`,
      [team, id],
      { idempotent: true },
    );
    const row = rs.first();
    if (!row || row.code == null || row.email == null) return null;
    return {
      team: uuidText<TeamId>(row.team),
      id: uuidText<UserId>(row.id),
      code: row.code as string,
      createdAt: row.created_at as Date,
      createdBy: uuidOrNull<UserId>(row.created_by),
      email: row.email as string,
      name: (row.name as string | null) ?? '',
      role: roleOf(row.role),
      expiresAt: row.expires_at as Date,
    };
  }

  async byCode(code: string): Promise<InvitationCodeRecord | null> {
    const rs = await this.db.execute(
      'team_invitation_info.get',
      `SELECT code, id, team, expires_at, used_at FROM ${this.ks}.team_invitation_info WHERE code = ?`,
      [code],
      { idempotent: true },
    );
    return codeFromRow(rs.first());
  }

  async markUsed(rec: InvitationCodeRecord, now: Date): Promise<boolean> {
    // The TTL the row has left, so the used mark goes with it.
    const rs = await this.db.execute(
      'team_invitation_info.use',
      `UPDATE ${this.ks}.team_invitation_info USING TTL ? SET used_at = ? WHERE code = ? IF id = ? AND used_at = null`,
      [codeRowTtl(rec.expiresAt, now), now, rec.code, rec.id],
    );
    return applied(rs);
  }

  async finish(team: TeamId, id: UserId): Promise<void> {
    const inv = await this.get(team, id);
    if (inv) {
      await this.db.execute(
        'team_invitation_email.delete',
        `DELETE FROM ${this.ks}.team_invitation_email WHERE email = ? AND team = ? IF invitation = ?`,
        [emailKey(inv.email), team, id],
      );
    }
    await this.db.execute('team_invitation.delete', `DELETE FROM ${this.ks}.team_invitation WHERE team = ? AND id = ?`, [team, id], {
      idempotent: true,
    });
  }

  async revoke(team: TeamId, id: UserId): Promise<void> {
    const inv = await this.get(team, id);
    if (inv) {
      await this.db.execute('team_invitation_info.delete', `DELETE FROM ${this.ks}.team_invitation_info WHERE code = ? IF EXISTS`, [
        inv.code,
      ]);
    }
    await this.finish(team, id);
  }
}

function codeFromRow(row: types.Row | null | undefined): InvitationCodeRecord | null {
  if (!row || row.id == null || row.team == null || row.expires_at == null) return null;
  return {
    code: row.code as string,
    id: uuidText<UserId>(row.id),
    team: uuidText<TeamId>(row.team),
    expiresAt: row.expires_at as Date,
    usedAt: (row.used_at as Date | null) ?? null,
  };
}

/** brig `activation_keys`: written only with lightweight transactions. */
export class CassandraActivationStore implements ActivationStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.brig;
  }

  async create(rec: ActivationRecord, now: Date): Promise<void> {
    const rs = await this.db.execute(
      'activation_keys.insert',
      `INSERT INTO ${this.ks}.activation_keys (key, key_text, key_type, "user", expires_at) VALUES (?, ?, 'email', ?, ?) IF NOT EXISTS USING TTL ?`,
      [rec.key, rec.keyText, rec.user, rec.expiresAt, codeRowTtl(rec.expiresAt, now)],
    );
    if (!applied(rs)) throw new Error('activation_keys.insert: the key is already in use');
  }

  async get(key: string): Promise<ActivationRecord | null> {
    const rs = await this.db.execute(
      'activation_keys.get',
      `SELECT key, key_text, "user", expires_at, used_at FROM ${this.ks}.activation_keys WHERE key = ?`,
      [key],
      { idempotent: true },
    );
    const row = rs.first();
    if (!row || row.user == null || row.key_text == null || row.expires_at == null) return null;
    return {
      key: row.key as string,
      keyText: row.key_text as string,
      user: uuidText<UserId>(row.user),
      expiresAt: row.expires_at as Date,
      usedAt: (row.used_at as Date | null) ?? null,
    };
  }

  async markUsed(rec: ActivationRecord, now: Date): Promise<boolean> {
    const rs = await this.db.execute(
      'activation_keys.use',
      `UPDATE ${this.ks}.activation_keys USING TTL ? SET used_at = ? WHERE key = ? IF "user" = ? AND used_at = null`,
      [codeRowTtl(rec.expiresAt, now), now, rec.key, rec.user],
    );
    return applied(rs);
  }
}
