import { parse, serialize } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '@sso/config';

export const COOKIE_NAME = 'zuid';

/** The `zuid` cookie: HttpOnly, Secure in production, persistent only when asked for. */
export function setSessionCookie(reply: FastifyReply, config: Config, value: string, expires: Date, persistent: boolean): void {
  reply.header('set-cookie', renderSessionCookie(config, value, expires, persistent));
}

/** The `Set-Cookie` value (SSO mobile logins also put it into the success redirect's `$cookie`). */
export function renderSessionCookie(config: Config, value: string, expires: Date, persistent: boolean): string {
  const secure = config.auth.cookieSecure ?? config.env === 'production';
  return serialize(COOKIE_NAME, value, {
    httpOnly: true,
    secure,
    sameSite: secure ? 'none' : 'lax',
    path: '/',
    domain: config.auth.cookieDomain,
    expires: persistent ? expires : undefined,
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.header('set-cookie', serialize(COOKIE_NAME, '', { httpOnly: true, path: '/', domain: config.auth.cookieDomain, maxAge: 0 }));
}

export function sessionCookie(req: FastifyRequest): string | undefined {
  const header = req.headers.cookie;
  return header ? parse(header)[COOKIE_NAME] : undefined;
}
