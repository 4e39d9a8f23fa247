import { type PasswordRule, brokenPasswordRules, passwordRuleIds, passwordRuleText } from '@sso/auth';
import { type PageSpec, html } from '@sso/platform';

/**
 * The "set a password" pages, shared by password reset and invitation acceptance: the form (which
 * states the password rules), the page for a link that is expired, used or unknown, and the page
 * after success. No script: a plain form posted to the same app, so the strict CSP holds.
 */

export type PageLang = 'en' | 'de';

/** The page language from Accept-Language: German if the client prefers it, else English. */
export function pageLang(acceptLanguage: string | undefined): PageLang {
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first === 'de' || first.startsWith('de-') ? 'de' : 'en';
}

const text = {
  en: {
    password: 'New password',
    confirm: 'Repeat the new password',
    rulesIntro: 'Your password needs',
    submit: 'Set password',
    mismatch: 'The two passwords differ.',
    broken: 'The password does not meet these rules:',
    linkTitle: 'This link no longer works',
    expired: 'The link has expired.',
    used: 'The link has already been used.',
    invalid: 'The link is not valid. Check that you opened the whole link from the mail.',
    again: { reset: 'You can request a new password reset mail.', invitation: 'Ask your team administrator to send a new invitation.' },
    doneTitle: 'Password set',
    done: 'Your password is set. You can now log in with your email address and the new password.',
  },
  de: {
    password: 'Neues Passwort',
    confirm: 'Neues Passwort wiederholen',
    rulesIntro: 'Ihr Passwort braucht',
    submit: 'Passwort festlegen',
    mismatch: 'Die beiden Passwörter sind verschieden.',
    broken: 'Das Passwort erfüllt diese Regeln nicht:',
    linkTitle: 'Dieser Link funktioniert nicht mehr',
    expired: 'Der Link ist abgelaufen.',
    used: 'Der Link wurde bereits verwendet.',
    invalid: 'Der Link ist ungültig. Prüfen Sie, ob Sie den ganzen Link aus der E-Mail geöffnet haben.',
    again: {
      reset: 'Sie können eine neue E-Mail zum Zurücksetzen des Passworts anfordern.',
      invitation: 'Bitten Sie Ihre Team-Administration um eine neue Einladung.',
    },
    doneTitle: 'Passwort festgelegt',
    done: 'Ihr Passwort ist festgelegt. Sie können sich jetzt mit Ihrer E-Mail-Adresse und dem neuen Passwort anmelden.',
  },
} as const;

/** What went wrong with a submitted password (shown above the form). */
export interface PasswordFormProblem {
  mismatch: boolean;
  broken: PasswordRule[];
}

/** The server-side check of a submitted form: null when the password may be stored. */
export function checkPasswordForm(password: string, confirm: string): PasswordFormProblem | null {
  const broken = brokenPasswordRules(password);
  const mismatch = password !== confirm;
  return broken.length || mismatch ? { mismatch, broken } : null;
}

export interface SetPasswordPageOptions {
  lang: PageLang;
  title: string;
  /** A sentence above the form (whose account, which team). */
  intro?: string;
  /** Where the form posts (same app). */
  action: string;
  /** Hidden fields posted with the password (the link's key and code). */
  hidden: Record<string, string>;
  /** The account's email, for password managers (autocomplete="username"). */
  email?: string;
  problem?: PasswordFormProblem | null;
}

/** The form. Field names: `password` and `password_confirm`, plus the hidden ones. */
export function setPasswordPage(o: SetPasswordPageOptions): PageSpec {
  const t = text[o.lang];
  const rules = passwordRuleText[o.lang];
  const problem = o.problem
    ? html`<div class="notice error" role="alert">
  ${o.problem.mismatch && html`<p>${t.mismatch}</p>`}
  ${o.problem.broken.length > 0 && html`<p>${t.broken}</p><ul>${o.problem.broken.map((r) => html`<li>${rules[r]}</li>`)}</ul>`}
</div>`
    : '';
  const main = html`${o.intro ? html`<p>${o.intro}</p>` : ''}
${problem}
<form method="post" action="${o.action}">
  ${Object.entries(o.hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
  ${o.email ? html`<input type="email" name="username" value="${o.email}" autocomplete="username" readonly hidden>` : ''}
  <p id="rules">${t.rulesIntro}:</p>
  <ul aria-describedby="rules">
    ${passwordRuleIds.map((r) => html`<li>${rules[r]}</li>`)}
  </ul>
  <label for="password">${t.password}</label>
  <input id="password" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="1024" aria-describedby="rules">
  <label for="password_confirm">${t.confirm}</label>
  <input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" required minlength="8" maxlength="1024">
  <button type="submit">${t.submit}</button>
</form>`;
  return { title: o.title, lang: o.lang, main };
}

export type LinkProblem = 'expired' | 'used' | 'invalid';

/** The clear page for a link that cannot be used (status 410 for expired/used, 404 for unknown: `linkProblemStatus`). */
export function linkProblemPage(lang: PageLang, problem: LinkProblem, flow: 'reset' | 'invitation'): PageSpec {
  const t = text[lang];
  return {
    title: t.linkTitle,
    lang,
    main: html`<div class="notice error"><p>${t[problem]}</p></div>
<p>${t.again[flow]}</p>`,
  };
}

export const linkProblemStatus = (problem: LinkProblem): number => (problem === 'invalid' ? 404 : 410);

/** After the password was stored. */
export function passwordSetPage(lang: PageLang): PageSpec {
  const t = text[lang];
  return { title: t.doneTitle, lang, main: html`<p class="ok">${t.done}</p>` };
}

/** The string fields of a posted form (urlencoded or multipart); anything else (arrays, objects) is dropped. */
export function formFields(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}
