import { Module } from '@nestjs/common';
import { ACTIVATIONS, CLOCK, IDENTITY_STORES, INVITATIONS, constructedFrom } from '@sso/platform';
import { InvitationsController } from './invitations.controller';
import { InvitationAcceptance } from './invitations.handler';

@Module({
  controllers: [InvitationsController],
  providers: [constructedFrom(InvitationAcceptance, [IDENTITY_STORES, INVITATIONS, ACTIVATIONS, CLOCK])],
})
export class InvitationsModule {}
