import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { activityKinds, activityOutcomes, actorTypes, subjectTypes } from '@sso/domain';

export class ActivityActorDto {
  @ApiProperty({ enum: actorTypes, example: 'scim-token' }) type!: string;
  @ApiPropertyOptional({ example: '5d3f4a9e-1c2b-4e8f-9a7b-6c5d4e3f2a1b', description: 'Absent for the system' }) id?: string;
  @ApiPropertyOptional({ example: 'Entra', description: "The token's name (else its description), the admin's name, the IdP's handle" })
  name?: string;
}

export class ActivitySubjectDto {
  @ApiProperty({ enum: subjectTypes, example: 'user' }) type!: string;
  @ApiPropertyOptional({
    example: '0b4c5e2a-8f1d-4c3b-9a2e-7d6f5e4c3b2a',
    description: 'Absent when not known (a refused create, a refused login)',
  })
  id?: string;
  @ApiPropertyOptional({ example: 'alice', description: 'userName, displayName, NameID value, token name or IdP handle' })
  name?: string;
}

export class ActivityEventDto {
  @ApiProperty({ example: '8a4b1f80-d1e3-11f1-9c6e-2b7f0e1d3c4a', description: 'A time uuid' }) id!: string;
  @ApiProperty({ example: '2026-12-04T15:00:00.000Z' }) at!: string;
  @ApiProperty({ enum: activityKinds, example: 'scim.user.created' }) kind!: string;
  @ApiProperty({ enum: activityOutcomes, example: 'ok' }) outcome!: string;
  @ApiProperty({ type: ActivityActorDto }) actor!: ActivityActorDto;
  @ApiPropertyOptional({ type: ActivitySubjectDto }) subject?: ActivitySubjectDto;
  @ApiPropertyOptional({
    example: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d',
    description: 'The IdP involved (login, IdP change, token bound to it)',
  })
  idp?: string;
  @ApiPropertyOptional({ example: 'uniqueness', description: 'The error label; only when outcome is failed' }) reason?: string;
  @ApiProperty({ example: 'User alice was created by SCIM.' }) detail!: string;
}

const okExample = {
  id: '8a4b1f80-d1e3-11f1-9c6e-2b7f0e1d3c4a',
  at: '2026-12-04T15:00:00.000Z',
  kind: 'scim.user.created',
  outcome: 'ok',
  actor: { type: 'scim-token', id: '5d3f4a9e-1c2b-4e8f-9a7b-6c5d4e3f2a1b', name: 'Entra' },
  subject: { type: 'user', id: '0b4c5e2a-8f1d-4c3b-9a2e-7d6f5e4c3b2a', name: 'alice' },
  idp: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d',
  detail: 'User alice was created by SCIM.',
};
const failedExample = {
  id: '7f2e0c10-d1e3-11f1-8d3a-5c6b7a8f9e0d',
  at: '2026-12-04T14:58:12.345Z',
  kind: 'sso.login.failed',
  outcome: 'failed',
  actor: { type: 'idp', id: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d', name: 'Okta' },
  subject: { type: 'user', name: 'bob@example.com' },
  idp: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d',
  reason: 'not-found',
  detail:
    'A login of bob@example.com via Okta was refused: no user of the team has this NameID, and users are not created at login while the team has SCIM tokens (not-found).',
};

export class ActivityPageDto {
  @ApiProperty({ type: [ActivityEventDto], example: [okExample, failedExample] }) events!: ActivityEventDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'WyJhY3Rpdml0eSIsMTc5NjM5MjgwMDAwMCwiN2YyZTBjMTAtZDFlMy0xMWYxLThkM2EtNWM2YjdhOGY5ZTBkIl0',
    description: 'Pass as `cursor` for the next (older) page; null when there is none',
  })
  next!: string | null;
}
