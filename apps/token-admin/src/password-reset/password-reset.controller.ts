import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@sso/domain';
import { pageResponseDoc, sendPage } from '@sso/platform';
import {
  checkPasswordForm,
  formFields,
  linkProblemPage,
  linkProblemStatus,
  pageLang,
  passwordSetPage,
  setPasswordPage,
} from '../password-page/password-page';
import { PasswordResetCompleteDto, PasswordResetRequestDto } from './password-reset.dto';
import { PasswordResetHandler } from './password-reset.handler';

const SET_PATH = '/password-reset/set';
const title = { en: 'Choose a new password', de: 'Neues Passwort wählen' } as const;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

const htmlPage = (status: number, description: string) => pageResponseDoc(status, description, 'Reset your password');

@ApiTags('password reset')
@Controller()
export class PasswordResetController {
  constructor(@Inject(PasswordResetHandler) private readonly handler: PasswordResetHandler) {}

  @Post('password-reset')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Ask for a password reset mail',
    description:
      'Queues a mail with a one-time link to the account with this email, if there is an active one with a password. ' +
      'The answer is the same whether or not such an account exists (and comes before the lookup). ' +
      'Limited per client address (429) and, silently, per account.',
  })
  @ApiBody({ type: PasswordResetRequestDto, examples: { request: { value: { email: 'alice@example.com' } } } })
  @ApiResponse({ status: 201, description: 'Empty body: a mail is on its way if the account exists' })
  @ApiResponse({ status: 400, description: '`bad-request`: no email field' })
  @ApiResponse({ status: 429, description: '`too-many-requests`, with Retry-After' })
  async request(@Body() body: PasswordResetRequestDto, @Req() req: FastifyRequest): Promise<void> {
    await this.handler.request(body.email, req.ip);
  }

  @Post('password-reset/complete')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set a new password with the key and code of the mail',
    description: 'The link works once. Success ends every session of the user (their cookies are revoked).',
  })
  @ApiBody({
    type: PasswordResetCompleteDto,
    examples: {
      complete: {
        value: {
          key: 'm4c1YvJ0wRkq2x0kQvQ2nC8Yq3v4Zt9cX0fH2aL8bE4',
          code: 'Jx8sQm2cZ0pL4vR7tY1uW9eB3nK6aD5fG0hI2jO8kM4',
          password: 'Tr0ub4dor&3-horse',
        },
      },
    },
  })
  @ApiOkResponse({ description: 'Empty body: the password is set' })
  @ApiResponse({
    status: 400,
    description: '`invalid-code`: unknown, expired or used link; `weak-password`: the password breaks the policy',
  })
  async complete(@Body() body: PasswordResetCompleteDto): Promise<void> {
    const r = await this.handler.complete(body.key, body.code, body.password);
    if (!r.ok) throw new DomainError('invalid-code', 'Invalid password reset code.');
  }

  /** The page the mail links to. */
  @Get('password-reset/set')
  @ApiOperation({
    summary: 'The page of the link in the password reset mail (HTML)',
    description:
      'A form that states the password rules; nothing is used up by opening it. A link that is unknown (404), expired or used (410) gets a page saying so.',
  })
  @ApiProduces('text/html')
  @ApiQuery({ name: 'key', required: true, example: 'm4c1YvJ0wRkq2x0kQvQ2nC8Yq3v4Zt9cX0fH2aL8bE4' })
  @ApiQuery({ name: 'code', required: true, example: 'Jx8sQm2cZ0pL4vR7tY1uW9eB3nK6aD5fG0hI2jO8kM4' })
  @ApiOkResponse(htmlPage(200, 'The set-password form'))
  @ApiResponse(htmlPage(404, 'Page: the link is not valid'))
  @ApiResponse(htmlPage(410, 'Page: the link has expired or was used'))
  async page(@Query('key') key: unknown, @Query('code') code: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = pageLang(req.headers['accept-language']);
    const state = await this.handler.check(str(key), str(code));
    if (state.state !== 'valid') return sendPage(reply, linkProblemPage(lang, state.state, 'reset'), linkProblemStatus(state.state));
    return sendPage(reply, setPasswordPage({ lang, title: title[lang], action: SET_PATH, hidden: { key: str(key), code: str(code) } }));
  }

  /** The page's form. */
  @Post('password-reset/set')
  @ApiOperation({
    summary: "The password reset page's form (HTML)",
    description:
      'Fields `key`, `code` (hidden), `password` and `password_confirm`. A password that breaks the rules, or two that differ, shows the form again (400) without using the link.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/html')
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        key: { type: 'string', example: 'm4c1YvJ0wRkq2x0kQvQ2nC8Yq3v4Zt9cX0fH2aL8bE4' },
        code: { type: 'string', example: 'Jx8sQm2cZ0pL4vR7tY1uW9eB3nK6aD5fG0hI2jO8kM4' },
        password: { type: 'string', example: 'Tr0ub4dor&3-horse' },
        password_confirm: { type: 'string', example: 'Tr0ub4dor&3-horse' },
      },
      required: ['key', 'code', 'password', 'password_confirm'],
    },
  })
  @ApiOkResponse(htmlPage(200, 'Page: the password is set; every session of the user has ended'))
  @ApiResponse(htmlPage(400, 'Page: the form again, with the rules the password broke'))
  @ApiResponse(htmlPage(404, 'Page: the link is not valid'))
  @ApiResponse(htmlPage(410, 'Page: the link has expired or was used'))
  async submit(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = pageLang(req.headers['accept-language']);
    const f = formFields(body);
    const key = f.key ?? '';
    const code = f.code ?? '';
    const password = f.password ?? '';
    const problem = checkPasswordForm(password, f.password_confirm ?? '');
    if (problem) {
      const state = await this.handler.check(key, code);
      if (state.state !== 'valid') return sendPage(reply, linkProblemPage(lang, state.state, 'reset'), linkProblemStatus(state.state));
      return sendPage(reply, setPasswordPage({ lang, title: title[lang], action: SET_PATH, hidden: { key, code }, problem }), 400);
    }
    const r = await this.handler.complete(key, code, password);
    if (!r.ok) return sendPage(reply, linkProblemPage(lang, r.problem, 'reset'), linkProblemStatus(r.problem));
    return sendPage(reply, passwordSetPage(lang));
  }
}
