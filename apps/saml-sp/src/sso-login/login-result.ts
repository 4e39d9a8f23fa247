import { SessionError, type SessionService } from '@sso/auth';
import type { User } from '@sso/domain';
import type { IdentityStores } from '@sso/persistence';

/** Who the browser's session cookie belongs to, for the enterprise-login result page. */
export class LoginResultReader {
  constructor(
    private readonly sessions: SessionService,
    private readonly identity: IdentityStores,
  ) {}

  /** The user and team name of a live cookie of an active user; null without one (a bad, ended or revoked cookie). */
  async whoIsLoggedIn(cookie: string | undefined): Promise<{ user: User; teamName: string | null } | null> {
    if (!cookie) return null;
    let user: User;
    try {
      user = await this.sessions.cookieUser(cookie);
    } catch (e) {
      if (e instanceof SessionError) return null;
      throw e;
    }
    const team = user.team ? await this.identity.teams.getTeam(user.team) : null;
    return { user, teamName: team?.name ?? null };
  }
}
