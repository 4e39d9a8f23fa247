import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ACTIVATION_PATH, INVITATION_PATH } from '@sso/auth';
import { type PageSpec, html, sendPage } from '@sso/platform';
import {
  type PageLang,
  formFields,
  linkProblemPage,
  linkProblemStatus,
  pageLang,
  passwordSetPage,
  setPasswordPage,
} from '../password-page/password-page';
import { type AcceptOutcome, type ActivationOutcome, InvitationAcceptance } from './invitations.handler';

const CODE = 'Nw1Zy7fCkTg3kq0bVvQz5mJcX2aLrUe8sHdPiYoWtBE';
const codeQuery = {
  name: 'code',
  required: true,
  example: CODE,
  description: 'The one-time secret from the mail (43 characters, base64url); only its SHA-256 is stored.',
};
const pageExample = (text: string) => ({ 'text/html': { example: `<!doctype html>…<h1>${text}</h1>…` } });

const text = {
  en: {
    title: 'Join your team',
    intro: (email: string, team: string) => `Set a password for ${email} to join ${team || 'your team'} on Wire.`,
    takenTitle: 'This address is in use',
    taken: 'Another account already logs in with this email address, so the invitation cannot be accepted. Ask your team administrator.',
    confirmTitle: 'Confirm your email address',
    confirm: (email: string) => `Confirm ${email} as your email address.`,
    confirmButton: 'Confirm',
    doneTitle: 'Email address confirmed',
    done: (email: string) => `${email} is now your confirmed email address.`,
  },
  de: {
    title: 'Ihrem Team beitreten',
    intro: (email: string, team: string) => `Legen Sie ein Passwort für ${email} fest, um ${team || 'Ihrem Team'} bei Wire beizutreten.`,
    takenTitle: 'Diese Adresse ist vergeben',
    taken:
      'Ein anderes Konto meldet sich bereits mit dieser E-Mail-Adresse an; die Einladung kann nicht angenommen werden. Wenden Sie sich an Ihre Team-Administration.',
    confirmTitle: 'E-Mail-Adresse bestätigen',
    confirm: (email: string) => `Bestätigen Sie ${email} als Ihre E-Mail-Adresse.`,
    confirmButton: 'Bestätigen',
    doneTitle: 'E-Mail-Adresse bestätigt',
    done: (email: string) => `${email} ist jetzt Ihre bestätigte E-Mail-Adresse.`,
  },
} as const;

/**
 * The pages behind the links of invitation and activation mails (Wire's `/teams/invitations`
 * and `/activate` prefixes). Plain forms, no script; every answer is `no-store`, and the code
 * travels only in the query of the first GET and then in a hidden field.
 */
@ApiTags('invitations')
@Controller()
export class InvitationsController {
  constructor(@Inject(InvitationAcceptance) private readonly handler: InvitationAcceptance) {}

  @Get(INVITATION_PATH.slice(1))
  @ApiOperation({
    summary: 'The invitation page: set a password and join the team',
    description:
      'Opened from the invitation mail a SCIM user without an IdP receives. Shows the password rules and a form that posts to the same path. An expired or used link answers 410 with a page saying so; an unknown or revoked one 404.',
  })
  @ApiQuery(codeQuery)
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'The form', content: pageExample('Join your team') })
  @ApiResponse({ status: 404, description: 'Unknown or revoked link', content: pageExample('This link no longer works') })
  @ApiResponse({ status: 410, description: 'Expired or already used link', content: pageExample('This link no longer works') })
  async invitationPage(@Query('code') code: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = pageLang(req.headers['accept-language']);
    return this.render(reply, lang, code, await this.handler.view(code));
  }

  @Post(INVITATION_PATH.slice(1))
  @HttpCode(200)
  @ApiOperation({
    summary: 'Accept the invitation with a password',
    description:
      'Form fields `code`, `password`, `password_confirm`. The password must have 8 to 1024 characters with a lowercase and an uppercase letter, a digit and a symbol; a weak one answers 400 with the form and the broken rules. On success the user is active and logs in with `POST /login`.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['code', 'password', 'password_confirm'],
      properties: { code: { type: 'string' }, password: { type: 'string' }, password_confirm: { type: 'string' } },
      example: { code: CODE, password: 'Correct-Horse-9', password_confirm: 'Correct-Horse-9' },
    },
  })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'Password set, account active', content: pageExample('Password set') })
  @ApiResponse({ status: 400, description: 'The password breaks a rule or the two differ', content: pageExample('Join your team') })
  @ApiResponse({ status: 404, description: 'Unknown or revoked link', content: pageExample('This link no longer works') })
  @ApiResponse({ status: 409, description: 'Another account logs in with the address', content: pageExample('This address is in use') })
  @ApiResponse({ status: 410, description: 'Expired or already used link', content: pageExample('This link no longer works') })
  async accept(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = pageLang(req.headers['accept-language']);
    const f = formFields(body);
    return this.render(reply, lang, f['code'], await this.handler.accept(f['code'], f['password'] ?? '', f['password_confirm'] ?? ''));
  }

  @Get(ACTIVATION_PATH.slice(1))
  @ApiOperation({
    summary: 'The email activation page',
    description:
      'Opened from the activation mail sent when the team has validateSAMLemails on. Shows a button that confirms the address (a GET changes nothing, so mail scanners that follow links do not use it up).',
  })
  @ApiQuery(codeQuery)
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'The confirmation button', content: pageExample('Confirm your email address') })
  @ApiResponse({ status: 404, description: 'Unknown link', content: pageExample('This link no longer works') })
  @ApiResponse({ status: 410, description: 'Expired or already used link', content: pageExample('This link no longer works') })
  async activationPage(@Query('code') code: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = pageLang(req.headers['accept-language']);
    return this.renderActivation(reply, lang, code, await this.handler.activationView(code));
  }

  @Post(ACTIVATION_PATH.slice(1))
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm the email address',
    description: 'Form field `code`. The address becomes the validated email of the user.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: { type: 'object', required: ['code'], properties: { code: { type: 'string' } }, example: { code: CODE } } })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'Confirmed', content: pageExample('Email address confirmed') })
  @ApiResponse({
    status: 404,
    description: 'Unknown link, or the address is no longer the one waiting',
    content: pageExample('This link no longer works'),
  })
  @ApiResponse({ status: 410, description: 'Expired or already used link', content: pageExample('This link no longer works') })
  async activate(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = pageLang(req.headers['accept-language']);
    const f = formFields(body);
    return this.renderActivation(reply, lang, f['code'], await this.handler.activate(f['code']));
  }

  private render(reply: FastifyReply, lang: PageLang, code: unknown, o: AcceptOutcome): FastifyReply {
    const t = text[lang];
    switch (o.kind) {
      case 'problem':
        return sendPage(reply, linkProblemPage(lang, o.problem, 'invitation'), linkProblemStatus(o.problem));
      case 'email-taken':
        return sendPage(reply, { title: t.takenTitle, lang, main: html`<div class="notice error"><p>${t.taken}</p></div>` }, 409);
      case 'done':
        return sendPage(reply, passwordSetPage(lang));
      case 'form':
      case 'form-problem': {
        const page = setPasswordPage({
          lang,
          title: t.title,
          intro: t.intro(o.email, o.teamName),
          action: INVITATION_PATH,
          hidden: { code: String(code) },
          email: o.email,
          problem: o.kind === 'form-problem' ? o.problem : null,
        });
        return sendPage(reply, page, o.kind === 'form' ? 200 : 400);
      }
    }
  }

  private renderActivation(reply: FastifyReply, lang: PageLang, code: unknown, o: ActivationOutcome): FastifyReply {
    const t = text[lang];
    if (o.kind === 'problem') return sendPage(reply, linkProblemPage(lang, o.problem, 'invitation'), linkProblemStatus(o.problem));
    const page: PageSpec =
      o.kind === 'confirm'
        ? {
            title: t.confirmTitle,
            lang,
            main: html`<p>${t.confirm(o.email)}</p>
<form method="post" action="${ACTIVATION_PATH}">
  <input type="hidden" name="code" value="${String(code)}">
  <button type="submit">${t.confirmButton}</button>
</form>`,
          }
        : { title: t.doneTitle, lang, main: html`<p class="ok">${t.done(o.email)}</p>` };
    return sendPage(reply, page);
  }
}
