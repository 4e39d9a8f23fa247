import { createHash, randomUUID } from 'node:crypto';
import type { Clock, TeamId, UserId } from '@sso/domain';
import { isUuid, userId } from '@sso/domain';
import type { IdentityStores, ScimGroupMember, ScimGroupRecord, ScimGroupStore, TeamCounts } from '@sso/persistence';
import { ScimError, ifMatchPasses, parsePatchRequest } from '@sso/scim';
import { type Preconditions, checkPreconditions, hasPreconditions, preconditionFailed as precondition } from '../common/preconditions';
import { visibleIn } from '../users/user-view';
import { type MemberInput, nonUuidMembers, notTeamUsers, validateGroup } from './group-input';
import { needsCurrentMembers, planGroupPatch, resolveMemberSteps } from './group-patch';

/** A group as stored; `members` is null when the caller did not need them (and they were not read). */
export interface LoadedGroup {
  group: ScimGroupRecord;
  members: ScimGroupMember[] | null;
  /** The ETag: both versions, so a change of the name or of the members changes it. */
  version: string;
  lastModified: Date;
}

const ATTEMPTS = 5;
const groupNotFound = (id: string) => new ScimError('not-found', `Group ${id} not found`);

function groupETag(g: ScimGroupRecord): string {
  return `W/"${createHash('sha256').update(`${g.version}|${g.membersVersion}`).digest('hex').slice(0, 40)}"`;
}

function loaded(group: ScimGroupRecord, members: ScimGroupMember[] | null): LoadedGroup {
  const lastModified = group.membersModified > group.lastModified ? group.membersModified : group.lastModified;
  return { group, members, version: groupETag(group), lastModified };
}

/**
 * The SCIM Groups use cases (docs/spar-behaviour.md §5.5, with PATCH and the departures of
 * docs/compatibility.md). The group row changes by compare-and-set on its version; members change
 * row by row, so concurrent membership changes of different users never lose each other.
 */
export class GroupsHandler {
  constructor(
    private readonly groups: ScimGroupStore,
    private readonly identity: IdentityStores,
    private readonly clock: Clock,
    private readonly counts?: TeamCounts,
  ) {}

  /** A stored row as a LoadedGroup (for lists, which read rows in pages). */
  wrap(group: ScimGroupRecord, members: ScimGroupMember[] | null): LoadedGroup {
    return loaded(group, members);
  }

  /** The team's group, or null; members are read only when asked for. */
  async load(team: TeamId, id: string, withMembers: boolean): Promise<LoadedGroup | null> {
    if (!isUuid(id)) return null;
    const [group, members] = await Promise.all([
      this.groups.get(team, id.toLowerCase()),
      withMembers ? this.groups.members(team, id.toLowerCase()) : Promise.resolve(null),
    ]);
    return group ? loaded(group, members) : null;
  }

  async get(team: TeamId, id: string, withMembers: boolean): Promise<LoadedGroup> {
    const g = await this.load(team, id, withMembers);
    if (!g) throw groupNotFound(id);
    return g;
  }

  /**
   * Splits member values into the team's SCIM users and the rest (non-uuids, unknown ids, other
   * teams' users, users not managed by SCIM).
   */
  private async sortMembers(team: TeamId, members: Iterable<MemberInput>): Promise<{ valid: ScimGroupMember[]; invalid: string[] }> {
    const byId = new Map<string, MemberInput>();
    const invalid: string[] = [];
    for (const m of members) {
      if (isUuid(m.value)) byId.set(m.value.toLowerCase(), m);
      else invalid.push(m.value);
    }
    const users = byId.size > 0 ? await this.identity.users.getMany([...byId.keys()].map(userId)) : [];
    const ok = new Set(users.filter((u) => visibleIn(team, u)).map((u) => u.id.toLowerCase()));
    const valid: ScimGroupMember[] = [];
    for (const [id, m] of byId) {
      if (ok.has(id)) valid.push({ user: userId(id), display: m.display });
      else invalid.push(m.value);
    }
    return { valid, invalid };
  }

  /** POST/PUT members: all-or-nothing, with spar's two errors. */
  private async strictMembers(team: TeamId, members: MemberInput[]): Promise<ScimGroupMember[]> {
    const bad = nonUuidMembers(members);
    if (bad.length > 0) throw new ScimError('invalidValue', `Member values must be user ids: ${bad.join(', ')}`);
    const { valid, invalid } = await this.sortMembers(team, members);
    if (invalid.length > 0) throw notTeamUsers(invalid);
    return valid;
  }

  async create(team: TeamId, body: unknown): Promise<LoadedGroup> {
    const input = validateGroup(body);
    const members = await this.strictMembers(team, input.members);
    const now = this.clock.now();
    const group: ScimGroupRecord = {
      team,
      id: randomUUID(),
      displayName: input.displayName,
      externalId: input.externalId,
      created: now,
      lastModified: now,
      version: randomUUID(),
      membersVersion: randomUUID(),
      membersModified: now,
    };
    await this.groups.create(group, members);
    await this.counts?.changed(team, 'groups', 1);
    return loaded(group, members);
  }

  /** PUT: name, externalId and members replaced wholesale. */
  async replace(team: TeamId, id: string, body: unknown, pre: Preconditions): Promise<LoadedGroup> {
    const input = validateGroup(body);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const cur = await this.get(team, id, false);
      checkPreconditions(pre, cur.version);
      const members = await this.strictMembers(team, input.members);
      const now = this.clock.now();
      const change = { displayName: input.displayName, externalId: input.externalId, version: randomUUID(), lastModified: now };
      const cas = await this.groups.replace(team, cur.group.id, change, expectation(pre, cur.group), cur.group.displayName);
      if (!cas.ok) {
        if (hasPreconditions(pre)) throw precondition();
        continue;
      }
      const keep = new Set(members.map((m) => m.user));
      const current = await this.groups.members(team, cur.group.id);
      await this.writeMembers(
        team,
        cur.group.id,
        members,
        current.filter((m) => !keep.has(m.user)).map((m) => m.user),
        now,
      );
      return this.get(team, cur.group.id, true);
    }
    throw busy();
  }

  /**
   * PATCH: the group's own attributes and each member's shape are validated as PUT validates
   * them, and nothing is written unless every operation is valid. One difference from PUT, on
   * purpose: member values in `add` that are not the team's SCIM users are skipped, not refused
   * (a 400 would make Okta drop the whole change, Fleet #52600; Microsoft's suite and the
   * scim-sanity probe add made-up ids and expect success). docs/decisions.md, 2026-12-04.
   */
  async patch(team: TeamId, id: string, body: unknown, pre: Preconditions): Promise<LoadedGroup> {
    const ops = parsePatchRequest(body);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const cur = await this.get(team, id, false);
      checkPreconditions(pre, cur.version);
      const g = cur.group;
      const plan = planGroupPatch(ops, g.id);
      const current = needsCurrentMembers(plan.steps) ? await this.groups.members(team, g.id) : null;
      const { add, remove } = resolveMemberSteps(plan.steps, current);
      const { valid } = await this.sortMembers(team, add.values());
      const removeIds = [...remove].filter(isUuid).map(userId);
      const membersChange = valid.length > 0 || removeIds.length > 0;
      const displayName = plan.displayName ?? g.displayName;
      const externalId = plan.externalId === undefined ? g.externalId : plan.externalId;
      const now = this.clock.now();
      // The row is compared-and-set when its own attributes change, and also for a conditional
      // member change, so that If-Match holds against concurrent writers.
      if (displayName !== g.displayName || externalId !== g.externalId || (hasPreconditions(pre) && membersChange)) {
        const cas = await this.groups.replace(
          team,
          g.id,
          { displayName, externalId, version: randomUUID(), lastModified: now },
          expectation(pre, g),
          g.displayName,
        );
        if (!cas.ok) {
          if (hasPreconditions(pre)) throw precondition();
          continue;
        }
      }
      if (membersChange) await this.writeMembers(team, g.id, valid, removeIds, now);
      return this.get(team, g.id, false);
    }
    throw busy();
  }

  private async writeMembers(team: TeamId, id: string, add: ScimGroupMember[], remove: UserId[], now: Date): Promise<void> {
    await Promise.all([
      add.length > 0 ? this.groups.addMembers(team, id, add) : undefined,
      remove.length > 0 ? this.groups.removeMembers(team, id, remove) : undefined,
    ]);
    await this.groups.touchMembers(team, id, randomUUID(), now);
  }

  /** Idempotent: 204 also for unknown ids and other teams' groups. */
  async delete(team: TeamId, id: string, pre: Preconditions): Promise<void> {
    const cur = await this.load(team, id, false);
    if (!cur) return;
    if (!ifMatchPasses(pre.ifMatch, cur.version)) throw precondition();
    // Of concurrent deletes, the one that removed the row uncounts the group.
    if (await this.groups.delete(team, cur.group.id)) await this.counts?.changed(team, 'groups', -1);
  }
}

/** With a precondition the members version is compared too: the ETag covers both. */
function expectation(pre: Preconditions, g: ScimGroupRecord): { version: string; membersVersion?: string } {
  return hasPreconditions(pre) ? { version: g.version, membersVersion: g.membersVersion } : { version: g.version };
}

const busy = () => new ScimError('conflict', 'The group is being changed by other requests at the same time; try again');
