import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { type Role, roles } from '@sso/domain';

class NewOwnerDto {
  @ApiProperty({ example: 'alice@example.com' })
  @IsEmail()
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 8 })
  @IsString()
  @Length(8, 1024)
  password!: string;

  @ApiPropertyOptional({ example: 'Alice' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  name?: string;
}

export class CreateTeamDto {
  @ApiProperty({ example: 'Example Corp' })
  @IsString()
  @Length(1, 256)
  name!: string;

  @ApiProperty({ type: NewOwnerDto })
  @ValidateNested()
  @Type(() => NewOwnerDto)
  owner!: NewOwnerDto;
}

export class AddMemberDto {
  @ApiProperty({ example: 'bob@example.com' })
  @IsEmail()
  email!: string;

  @ApiPropertyOptional({ example: 'another secret phrase', description: 'Omit for SSO-only users.' })
  @IsOptional()
  @IsString()
  @Length(8, 1024)
  password?: string;

  @ApiPropertyOptional({ example: 'Bob' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  name?: string;

  @ApiProperty({ enum: roles, example: 'admin' })
  @IsIn(roles as unknown as string[])
  role!: Role;
}

export class SsoFeatureDto {
  @ApiProperty({ example: 'enabled', enum: ['enabled', 'disabled'] })
  @IsIn(['enabled', 'disabled'])
  status!: 'enabled' | 'disabled';
}
