import { type Clock, type TeamId, type UserId, emailKey, systemClock } from '@sso/domain';
import {
  type ActivationRecord,
  type ActivationStore,
  type InvitationCodeRecord,
  type InvitationRecord,
  type InvitationStore,
  codeRowTtl,
  ttlUntil,
} from '../ports/invitation-store';
import { lc } from './ids';
import { type Expiring, alive, expiring } from './tables';

/** No await between a read and its write: as atomic as the LWTs it stands for. */
export class MemoryInvitationStore implements InvitationStore {
  private readonly invitations = new Map<string, Expiring<InvitationRecord>>();
  private readonly codes = new Map<string, Expiring<InvitationCodeRecord>>();
  /** `team_invitation_email`: email key, then team, to the invitation id. */
  private readonly byEmail = new Map<string, Map<string, Expiring<UserId>>>();

  constructor(private readonly clock: Clock = systemClock) {}

  private key(team: TeamId, id: UserId): string {
    return `${team.toLowerCase()}\n${id.toLowerCase()}`;
  }

  async create(inv: InvitationRecord): Promise<void> {
    if (alive(this.clock, this.codes.get(inv.code))) throw new Error('team_invitation_info.insert: the code is already in use');
    const row = { ...inv, team: lc<TeamId>(inv.team), id: lc<UserId>(inv.id) };
    this.codes.set(
      inv.code,
      expiring(
        this.clock,
        { code: inv.code, team: row.team, id: row.id, expiresAt: inv.expiresAt, usedAt: null },
        codeRowTtl(inv.expiresAt, inv.createdAt),
      ),
    );
    this.invitations.set(this.key(inv.team, inv.id), expiring(this.clock, row, ttlUntil(inv.expiresAt, inv.createdAt)));
    const teams = this.byEmail.get(emailKey(inv.email)) ?? new Map<string, Expiring<UserId>>();
    if (!alive(this.clock, teams.get(row.team))) teams.set(row.team, expiring(this.clock, row.id, ttlUntil(inv.expiresAt, inv.createdAt)));
    this.byEmail.set(emailKey(inv.email), teams);
  }

  async pendingForEmail(key: string): Promise<boolean> {
    return [...(this.byEmail.get(key)?.values() ?? [])].some((e) => alive(this.clock, e) !== undefined);
  }

  async get(team: TeamId, id: UserId): Promise<InvitationRecord | null> {
    const v = alive(this.clock, this.invitations.get(this.key(team, id)));
    return v ? { ...v } : null;
  }

  async byCode(code: string): Promise<InvitationCodeRecord | null> {
    const v = alive(this.clock, this.codes.get(code));
    return v ? { ...v } : null;
  }

  async markUsed(rec: InvitationCodeRecord, now: Date): Promise<boolean> {
    const v = alive(this.clock, this.codes.get(rec.code));
    if (!v || v.id !== rec.id.toLowerCase() || v.usedAt !== null) return false;
    this.codes.set(rec.code, expiring(this.clock, { ...v, usedAt: now }, codeRowTtl(v.expiresAt, now)));
    return true;
  }

  async finish(team: TeamId, id: UserId): Promise<void> {
    const inv = alive(this.clock, this.invitations.get(this.key(team, id)));
    const teams = inv ? this.byEmail.get(emailKey(inv.email)) : undefined;
    if (teams && alive(this.clock, teams.get(team.toLowerCase())) === id.toLowerCase()) teams.delete(team.toLowerCase());
    this.invitations.delete(this.key(team, id));
  }

  async revoke(team: TeamId, id: UserId): Promise<void> {
    const inv = alive(this.clock, this.invitations.get(this.key(team, id)));
    if (inv) this.codes.delete(inv.code);
    await this.finish(team, id);
  }
}

export class MemoryActivationStore implements ActivationStore {
  private readonly rows = new Map<string, Expiring<ActivationRecord>>();

  constructor(private readonly clock: Clock = systemClock) {}

  async create(rec: ActivationRecord, now: Date): Promise<void> {
    if (alive(this.clock, this.rows.get(rec.key))) throw new Error('activation_keys.insert: the key is already in use');
    this.rows.set(rec.key, expiring(this.clock, { ...rec, user: lc<UserId>(rec.user), usedAt: null }, codeRowTtl(rec.expiresAt, now)));
  }

  async get(key: string): Promise<ActivationRecord | null> {
    const v = alive(this.clock, this.rows.get(key));
    return v ? { ...v } : null;
  }

  async markUsed(rec: ActivationRecord, now: Date): Promise<boolean> {
    const v = alive(this.clock, this.rows.get(rec.key));
    if (!v || v.user !== rec.user.toLowerCase() || v.usedAt !== null) return false;
    this.rows.set(rec.key, expiring(this.clock, { ...v, usedAt: now }, codeRowTtl(v.expiresAt, now)));
    return true;
  }
}
