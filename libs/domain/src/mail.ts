import type { TeamId } from './ids';

/** What a mail is for; each kind has its own template (libs/mail). */
export const MAIL_KINDS = ['invitation', 'email-activation', 'password-reset'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/**
 * One mail to send, as the use cases hand it to the outbox. It carries what the templates need and
 * nothing else; the rendering (subject, text, HTML, language) happens when the worker sends it.
 *
 * `link` usually carries a one-time secret: it is stored in the outbox row until the mail is sent,
 * and must never be logged (docs/decisions.md, "Mail outbox").
 */
export interface OutgoingMail {
  kind: MailKind;
  /** The recipient's address. */
  to: string;
  team: TeamId;
  /** Shown in the subject and the text; HTML escapes it. */
  teamName: string;
  /** `ll` or `ll-CC`; a language without templates falls back to English. */
  locale: string;
  /** The absolute http(s) URL the mail points to. */
  link: string;
  /** The recipient's display name, when known. */
  userName?: string | null;
}

/** Addresses are short, have one `@`, and never hold whitespace or line breaks (no header injection). */
const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+$/;

/**
 * Checks a mail before it is queued: a bad one is a programming error in the caller (it builds the
 * address from a validated email and the link from config), so it throws a TypeError that names
 * the field and never the link itself.
 */
export function checkOutgoingMail(m: OutgoingMail): OutgoingMail {
  if (!MAIL_KINDS.includes(m.kind)) throw new TypeError(`mail: unknown kind ${JSON.stringify(m.kind)}`);
  if (m.to.length > 320 || !ADDRESS.test(m.to)) throw new TypeError('mail: the recipient is not an email address');
  if (/[\r\n]/.test(m.teamName) || m.teamName.length > 1000) throw new TypeError('mail: bad team name');
  if (m.userName != null && (/[\r\n]/.test(m.userName) || m.userName.length > 1000)) throw new TypeError('mail: bad user name');
  if (!/^[a-z]{2}(-[A-Za-z]{2})?$/.test(m.locale)) throw new TypeError('mail: the locale is not ll or ll-CC');
  let url: URL;
  try {
    url = new URL(m.link);
  } catch {
    throw new TypeError('mail: the link is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('mail: the link is not http(s)');
  return m;
}
