import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'alice@example.com' })
  @IsString()
  @Length(3, 254)
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @Length(1, 1024)
  password!: string;

  @ApiPropertyOptional({ example: 'laptop', description: 'A label for the session cookie.' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  label?: string;
}

export class AccessTokenDto {
  @ApiProperty({ example: 'eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJ0eXAiOiJhY2Nlc3MiLC4uLn0.c2lnbmF0dXJl' })
  access_token!: string;

  @ApiProperty({ example: 900, description: 'Seconds until the access token expires.' })
  expires_in!: number;

  @ApiProperty({ example: 'Bearer' })
  token_type!: 'Bearer';

  @ApiProperty({ example: '3f0f3e4c-8a47-4ad6-a5a4-3a0e7c1bd5a0', description: 'The user id.' })
  user!: string;
}
