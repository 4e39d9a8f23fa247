import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'alice@example.com', description: "The account's email address." })
  @IsString()
  @Length(3, 254)
  email!: string;
}

export class PasswordResetCompleteDto {
  @ApiProperty({ example: 'm4c1YvJ0wRkq2x0kQvQ2nC8Yq3v4Zt9cX0fH2aL8bE4', description: 'The `key` of the link in the mail.' })
  @IsString()
  @Length(1, 256)
  key!: string;

  @ApiProperty({ example: 'Jx8sQm2cZ0pL4vR7tY1uW9eB3nK6aD5fG0hI2jO8kM4', description: 'The `code` of the link in the mail.' })
  @IsString()
  @Length(1, 256)
  code!: string;

  @ApiProperty({
    example: 'Tr0ub4dor&3-horse',
    description: 'The new password: 8 to 1024 characters with a lowercase letter, an uppercase letter, a digit and a symbol.',
  })
  @IsString()
  @Length(1, 4096)
  password!: string;
}
