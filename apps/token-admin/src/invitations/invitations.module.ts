import { Module } from '@nestjs/common';
import { ACTIVATIONS, CLOCK, IDENTITY_STORES, INVITATIONS, SCIM_USER_DOCS, constructedFrom } from '@sso/platform';
import { InvitationsController } from './invitations.controller';
import { InvitationAcceptance } from './invitations.handler';

@Module({
  controllers: [InvitationsController],
  providers: [constructedFrom(InvitationAcceptance, [IDENTITY_STORES, INVITATIONS, ACTIVATIONS, SCIM_USER_DOCS, CLOCK])],
})
export class InvitationsModule {}
