import { MAIL_KINDS, type MailKind, type OutgoingMail, newTeamId } from '@sso/domain';
import { describe, expect, it } from 'vitest';
import { mailLang, renderMail } from './templates';

const link = 'https://wire.example.com/password-reset/set?key=abc&code=s3cr3t-c0de';
const mail = (kind: MailKind, locale: string, over: Partial<OutgoingMail> = {}): OutgoingMail => ({
  kind,
  to: 'ada@example.com',
  team: newTeamId(),
  teamName: 'Analytical Engines',
  locale,
  link,
  userName: 'Ada Lovelace',
  ...over,
});

const expected: Record<'en' | 'de', Record<MailKind, { subject: string; text: string }>> = {
  en: {
    invitation: { subject: 'You have been invited to join Analytical Engines on Wire', text: 'Accept the invitation:' },
    'email-activation': { subject: 'Verify your email address for Analytical Engines on Wire', text: 'Verify the email address:' },
    'password-reset': { subject: 'Reset your Wire password for Analytical Engines', text: 'Choose a new password:' },
  },
  de: {
    invitation: { subject: 'Einladung in das Team Analytical Engines auf Wire', text: 'Einladung annehmen:' },
    'email-activation': {
      subject: 'Bestätigen Sie Ihre E-Mail-Adresse für Analytical Engines auf Wire',
      text: 'E-Mail-Adresse bestätigen:',
    },
    'password-reset': { subject: 'Wire-Passwort für Analytical Engines zurücksetzen', text: 'Neues Passwort wählen:' },
  },
};

describe('mail templates', () => {
  for (const lang of ['en', 'de'] as const) {
    for (const kind of MAIL_KINDS) {
      it(`${kind} in ${lang}: subject, text and HTML carry the team, the name and the link`, () => {
        const r = renderMail(mail(kind, lang === 'de' ? 'de-AT' : 'en'));
        expect(r.lang).toBe(lang);
        expect(r.subject).toBe(expected[lang][kind].subject);
        expect(r.text).toContain(expected[lang][kind].text);
        expect(r.text).toContain(`\n${link}\n`);
        expect(r.text).toContain('Analytical Engines');
        expect(r.text.split('\n')[0]).toBe(lang === 'de' ? 'Hallo Ada Lovelace,' : 'Hello Ada Lovelace,');
        // The link appears as the button's href and as text; & escaped in both.
        const escaped = link.replace(/&/g, '&amp;');
        expect(r.html).toContain(`<a href="${escaped}"`);
        expect(r.html.split(escaped)).toHaveLength(3);
        expect(r.html).toContain(`<html lang="${lang}">`);
        expect(r.html).toContain('Analytical Engines');
        expect(r.html).toContain(expected[lang][kind].text.replace(/:$/, ''));
      });
    }
  }

  it('falls back to English for a language without templates, and greets without a name', () => {
    const r = renderMail(mail('invitation', 'fr-FR', { userName: null }));
    expect(r.lang).toBe('en');
    expect(r.text.startsWith('Hello,\n')).toBe(true);
    expect(r.html).toContain('<p>Hello,</p>');
    expect([mailLang('de'), mailLang('DE-ch'), mailLang('en-GB'), mailLang('pt')]).toEqual(['de', 'de', 'en', 'en']);
  });

  it('escapes a team name and a user name with markup in HTML, and keeps them as text in plain text', () => {
    const r = renderMail(
      mail('password-reset', 'en', { teamName: '<script>alert("x")</script> & Co', userName: '<img src=x onerror=alert(1)>' }),
    );
    expect(r.html).not.toContain('<script>');
    expect(r.html).not.toContain('<img');
    expect(r.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(r.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(r.text).toContain('<script>alert("x")</script> & Co');
  });

  it('never puts a line break in the subject', () => {
    const r = renderMail(mail('invitation', 'en', { teamName: 'Evil\r\nBcc: victim@example.com' }));
    expect(r.subject).not.toMatch(/[\r\n]/);
  });
});
