import { Module } from '@nestjs/common';
import { GroupsModule } from '../groups/groups.module';
import { UsersModule } from '../users/users.module';
import { BulkController } from './bulk.controller';

@Module({ imports: [UsersModule, GroupsModule], controllers: [BulkController] })
export class BulkModule {}
