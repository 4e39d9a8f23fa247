import fs from 'node:fs';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '@sso/config';
import type { RenderedMail } from './templates';

/** A message for SMTP: a rendered mail and its recipient. */
export interface MailMessage extends RenderedMail {
  to: string;
}

/** Hands a message to an SMTP server; resolves once the server accepted it. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** An SMTP failure, stripped to what may be logged (never the credentials, never the message). */
export class MailSendError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly responseCode: number | undefined,
  ) {
    super(message);
    this.name = 'MailSendError';
  }
}

/** The SMTP password: the file's content (trailing newline dropped), the value, or none. */
export function smtpPassword(smtp: Config['mail']['smtp']): string | undefined {
  if (smtp.passwordFile) return fs.readFileSync(smtp.passwordFile, 'utf8').replace(/\r?\n$/, '');
  return smtp.password;
}

/** nodemailer over SMTP, configured from `mail.smtp` and `mail.from`. */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(private readonly mail: Config['mail']) {
    const smtp = mail.smtp;
    const password = smtpPassword(smtp);
    this.transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.tls === 'tls',
      requireTLS: smtp.tls === 'starttls',
      ignoreTLS: smtp.tls === 'none',
      auth: smtp.username ? { user: smtp.username, pass: password } : undefined,
      tls: { rejectUnauthorized: smtp.rejectUnauthorized, ca: smtp.caFile ? fs.readFileSync(smtp.caFile) : undefined },
      connectionTimeout: smtp.timeoutMs,
      greetingTimeout: smtp.timeoutMs,
      socketTimeout: smtp.timeoutMs,
      // nodemailer's own logger would print the conversation, links included.
      logger: false,
      debug: false,
    });
  }

  async send(m: MailMessage): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.mail.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        headers: { 'Content-Language': m.lang, 'Auto-Submitted': 'auto-generated' },
      });
    } catch (e) {
      const err = e as { message?: string; code?: string; responseCode?: number };
      // The SMTP reply text, cut short; nodemailer's messages hold no credentials.
      throw new MailSendError(String(err.message ?? 'send failed').slice(0, 300), err.code, err.responseCode);
    }
  }

  close(): void {
    this.transport.close();
  }
}
