import { renderPage } from '@sso/platform';
import { describe, expect, it } from 'vitest';
import {
  checkPasswordForm,
  formFields,
  linkProblemPage,
  linkProblemStatus,
  pageLang,
  passwordSetPage,
  setPasswordPage,
} from './password-page';

describe('set-password page piece', () => {
  it('renders the form with the stated rules, the hidden fields escaped, and no script', () => {
    const page = renderPage(
      setPasswordPage({
        lang: 'en',
        title: 'Choose a new password',
        intro: 'For <b>ada@example.com</b>',
        action: '/password-reset/set',
        hidden: { key: 'k"><script>x</script>', code: 'c0de' },
        email: 'ada@example.com',
      }),
    );
    expect(page).toContain('<form method="post" action="/password-reset/set">');
    expect(page).toContain('<input type="hidden" name="key" value="k&quot;&gt;&lt;script&gt;x&lt;/script&gt;">');
    expect(page).toContain('name="code" value="c0de"');
    expect(page).toContain('For &lt;b&gt;ada@example.com&lt;/b&gt;');
    for (const rule of ['8 to 1024 characters', 'a lowercase letter', 'an uppercase letter', 'a digit', 'a symbol'])
      expect(page).toContain(rule);
    expect(page).toContain('autocomplete="new-password"');
    expect(page).not.toContain('<script');
    expect(page).not.toContain('role="alert"');
  });

  it('states the rules in German and shows what a submission broke', () => {
    const problem = checkPasswordForm('kurz', 'anders');
    expect(problem).toEqual({ mismatch: true, broken: ['length', 'uppercase', 'digit', 'symbol'] });
    const page = renderPage(setPasswordPage({ lang: 'de', title: 'Neues Passwort', action: '/x', hidden: {}, problem }));
    expect(page).toContain('<html lang="de">');
    expect(page).toContain('Ihr Passwort braucht');
    expect(page).toContain('Die beiden Passwörter sind verschieden.');
    expect(page).toContain('role="alert"');
    expect(page).toContain('<li>einen Großbuchstaben</li>');
  });

  it('accepts a good password only when both fields agree', () => {
    expect(checkPasswordForm('Tr0ub4dor&3', 'Tr0ub4dor&3')).toBeNull();
    expect(checkPasswordForm('Tr0ub4dor&3', 'Tr0ub4dor&4')).toEqual({ mismatch: true, broken: [] });
  });

  it('has a clear page for expired, used and unknown links, per flow', () => {
    expect(renderPage(linkProblemPage('en', 'expired', 'reset'))).toContain('The link has expired.');
    expect(renderPage(linkProblemPage('en', 'used', 'invitation'))).toContain('already been used');
    expect(renderPage(linkProblemPage('en', 'used', 'invitation'))).toContain('new invitation');
    expect(renderPage(linkProblemPage('de', 'invalid', 'reset'))).toContain('Der Link ist ungültig');
    expect([linkProblemStatus('expired'), linkProblemStatus('used'), linkProblemStatus('invalid')]).toEqual([410, 410, 404]);
    expect(renderPage(passwordSetPage('de'))).toContain('Passwort festgelegt');
  });

  it('picks the language from Accept-Language, English by default', () => {
    expect(pageLang('de-DE,de;q=0.9,en;q=0.8')).toBe('de');
    expect(pageLang('DE')).toBe('de');
    expect(pageLang('en-US,de;q=0.5')).toBe('en');
    expect(pageLang('fr')).toBe('en');
    expect(pageLang(undefined)).toBe('en');
  });

  it('reads only string fields of a posted form', () => {
    expect(formFields({ password: 'a', code: ['x', 'y'], key: { $ne: 1 } })).toEqual({ password: 'a' });
    expect(formFields(null)).toEqual({});
    expect(formFields('password=a')).toEqual({});
  });
});
