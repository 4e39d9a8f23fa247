import type { MailKind, OutgoingMail } from '@sso/domain';
import { type SafeHtml, html } from '../page';

/** A mail ready for SMTP. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  /** The language the mail was written in (`Content-Language`). */
  lang: MailLang;
}

export type MailLang = 'en' | 'de';

/** The template language of a locale: its language if we have templates for it, else English. */
export function mailLang(locale: string): MailLang {
  return locale.slice(0, 2).toLowerCase() === 'de' ? 'de' : 'en';
}

interface Wording {
  subject: (team: string) => string;
  greeting: (name: string | null) => string;
  body: (team: string) => string;
  action: string;
  ignore: string;
}

const wording: Record<MailLang, Record<MailKind, Wording>> = {
  en: {
    invitation: {
      subject: (team) => `You have been invited to join ${team} on Wire`,
      greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
      body: (team) =>
        `your administrator has created a Wire account for you in the team ${team}. Open the link below to choose your password and activate the account.`,
      action: 'Accept the invitation',
      ignore: 'If you did not expect this invitation, you can ignore this mail. The link works once and expires.',
    },
    'email-activation': {
      subject: (team) => `Verify your email address for ${team} on Wire`,
      greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
      body: (team) => `please confirm that this email address belongs to your account in the team ${team}.`,
      action: 'Verify the email address',
      ignore: 'If you did not expect this mail, you can ignore it. The link works once and expires.',
    },
    'password-reset': {
      subject: (team) => `Reset your Wire password for ${team}`,
      greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
      body: (team) =>
        `someone asked to reset the password of your account in the team ${team}. Open the link below to choose a new password. Your other sessions will be signed out.`,
      action: 'Choose a new password',
      ignore: 'If you did not ask for this, ignore this mail: your password stays as it is. The link works once and expires.',
    },
  },
  de: {
    invitation: {
      subject: (team) => `Einladung in das Team ${team} auf Wire`,
      greeting: (name) => (name ? `Hallo ${name},` : 'Hallo,'),
      body: (team) =>
        `Ihre Administration hat für Sie ein Wire-Konto im Team ${team} angelegt. Öffnen Sie den folgenden Link, um Ihr Passwort zu wählen und das Konto zu aktivieren.`,
      action: 'Einladung annehmen',
      ignore:
        'Wenn Sie diese Einladung nicht erwartet haben, können Sie diese E-Mail ignorieren. Der Link funktioniert einmal und läuft ab.',
    },
    'email-activation': {
      subject: (team) => `Bestätigen Sie Ihre E-Mail-Adresse für ${team} auf Wire`,
      greeting: (name) => (name ? `Hallo ${name},` : 'Hallo,'),
      body: (team) => `bitte bestätigen Sie, dass diese E-Mail-Adresse zu Ihrem Konto im Team ${team} gehört.`,
      action: 'E-Mail-Adresse bestätigen',
      ignore: 'Wenn Sie diese E-Mail nicht erwartet haben, können Sie sie ignorieren. Der Link funktioniert einmal und läuft ab.',
    },
    'password-reset': {
      subject: (team) => `Wire-Passwort für ${team} zurücksetzen`,
      greeting: (name) => (name ? `Hallo ${name},` : 'Hallo,'),
      body: (team) =>
        `jemand hat verlangt, das Passwort Ihres Kontos im Team ${team} zurückzusetzen. Öffnen Sie den folgenden Link, um ein neues Passwort zu wählen. Ihre anderen Sitzungen werden abgemeldet.`,
      action: 'Neues Passwort wählen',
      ignore:
        'Wenn Sie das nicht verlangt haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt, wie es ist. Der Link funktioniert einmal und läuft ab.',
    },
  },
};

/** Header values never carry line breaks (the subject holds the team's name). */
const oneLine = (s: string) => s.replace(/[\r\n\u2028\u2029]+/g, ' ').trim();

/**
 * Renders a queued mail: subject, plain text and HTML, in the recipient's language (English when we
 * have no templates for it). The team's and user's names are text: HTML escapes them, and the link
 * is only ever an attribute value and a text node, escaped as both.
 */
export function renderMail(mail: OutgoingMail): RenderedMail {
  const lang = mailLang(mail.locale);
  const w = wording[lang][mail.kind];
  const team = oneLine(mail.teamName);
  const name = mail.userName ? oneLine(mail.userName) : null;
  const text = [w.greeting(name), '', w.body(team), '', `${w.action}:`, mail.link, '', w.ignore, ''].join('\n');
  const doc: SafeHtml = html`<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><title>${w.subject(team)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1b1d21">
<p>${w.greeting(name)}</p>
<p>${w.body(team)}</p>
<p><a href="${mail.link}" style="display:inline-block;padding:.5em 1em;background:#0667c8;color:#fff;text-decoration:none;border-radius:4px">${w.action}</a></p>
<p style="font-size:.9em;color:#5b6270">${mail.link}</p>
<p style="font-size:.9em;color:#5b6270">${w.ignore}</p>
</body>
</html>
`;
  return { subject: oneLine(w.subject(team)), text, html: doc.value, lang };
}
