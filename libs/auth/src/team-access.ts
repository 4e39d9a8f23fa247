import { DomainError, type Role, type TeamId, type UserId, canManageSso } from '@sso/domain';
import type { TeamStore } from '@sso/persistence';

/** The caller's team and role, and spar's permission checks on them. */
export class TeamAccess {
  constructor(private readonly teams: TeamStore) {}

  async membership(user: UserId): Promise<{ team: TeamId; role: Role }> {
    const team = await this.teams.teamOf(user);
    const member = team ? await this.teams.getMember(team, user) : null;
    if (!team || !member) throw new DomainError('no-team-member', 'Requesting user is not a team member');
    return { team, role: member.role };
  }

  /**
   * Owners and admins hold spar's hidden permissions (ReadIdp, CreateUpdateDeleteIdp,
   * CreateReadDeleteScimToken); everyone else gets `insufficient-permissions` naming the one
   * that was needed, as galley words it.
   */
  async requireSsoAdmin(user: UserId, permission: 'CreateReadDeleteScimToken' | 'CreateUpdateDeleteIdp' | 'ReadIdp'): Promise<TeamId> {
    const { team, role } = await this.membership(user);
    if (!canManageSso(role)) throw new DomainError('insufficient-permissions', `You need permission ${permission}.`);
    return team;
  }
}
