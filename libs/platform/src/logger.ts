import pino, { type Logger, type LoggerOptions } from 'pino';
import type { Config } from '@sso/config';

const CENSOR = '[redacted]';

/** Headers that carry credentials or session state. */
export const SENSITIVE_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'z-user'];

/**
 * Query parameters that carry credentials or whole SAML messages (`access_token` is refused
 * anyway, but the refused request is still logged; `SAMLRequest`/`SAMLResponse`/`Signature`
 * come with the HTTP-Redirect binding).
 */
export const SENSITIVE_QUERY_PARAMS = [
  'access_token',
  'token',
  'code',
  'password',
  'samlrequest',
  'samlresponse',
  'signature',
  'relaystate',
  'cookie',
  // password reset and invitation links (`?key=...&code=...`)
  'key',
];

const headerPaths = (prefix: string) => SENSITIVE_HEADERS.map((h) => `${prefix}["${h}"]`);

const REDACT_PATHS = [
  ...headerPaths('req.headers'),
  ...headerPaths('res.headers'),
  ...headerPaths('headers'),
  '*.password',
  '*.password_confirm',
  '*.code',
  '*.token',
  '*.access_token',
  '*.SAMLResponse',
  '*.SAMLRequest',
];

/** A URL or path with the values of sensitive query parameters replaced (`?access_token=[redacted]`). */
export function sanitizeUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url.slice(q + 1).replace(/(^|&)([^&=]*)=([^&]*)/g, (all, sep: string, name: string) => {
    let key = name;
    try {
      key = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // an undecodable name is checked as written
    }
    return SENSITIVE_QUERY_PARAMS.includes(key.trim().toLowerCase()) ? `${sep}${name}=${CENSOR}` : all;
  });
  return `${url.slice(0, q)}?${query}`;
}

/** Fastify's request serializer, with the URL sanitised (query strings reach every request log line). */
function reqSerializer(req: { method?: string; url?: string; host?: string; ip?: string; socket?: { remotePort?: number } }) {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? sanitizeUrl(req.url) : req.url,
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

const urlSerializer = (url: unknown) => (typeof url === 'string' ? sanitizeUrl(url) : url);

/** Error messages may quote a URL (Nest's "Cannot GET /x?access_token=..."). */
function errSerializer(err: unknown) {
  const out = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  for (const k of ['message', 'stack']) if (typeof out[k] === 'string') out[k] = sanitizeMessage(out[k] as string);
  return out;
}

/** Every `?...` query string inside a free text, sanitised. */
export function sanitizeMessage(text: string): string {
  return text.replace(/(\S*)\?(\S+)/g, (_all, path: string, query: string) => sanitizeUrl(`${path}?${query}`));
}

/** What every logger of an app applies: redaction of credentials in headers, bodies and URLs. */
export const redactionOptions: Pick<LoggerOptions, 'redact' | 'serializers'> = {
  redact: { paths: REDACT_PATHS, censor: CENSOR },
  serializers: { req: reqSerializer, err: errSerializer, url: urlSerializer },
};

/**
 * The given logger with the redaction rules, also when it was made elsewhere (tests hand in
 * their own): Fastify takes its request serializer from the logger instance.
 */
export function withRedaction(logger: Logger): Logger {
  return logger.child({}, redactionOptions);
}

/**
 * JSON logs, one line per event. Secrets never reach a log line: credentials, cookies and
 * tokens are redacted wherever they appear in a logged object or a logged URL.
 */
export function createLogger(app: string, config: Config): Logger {
  return pino(loggerOptions(app, config.log.level));
}

/**
 * The shape of every line (docs/operations.md, "Logs"): the level as text, ISO time, the app's
 * name; no pid or hostname (the pod's log collector adds where a line came from).
 */
export function loggerOptions(app: string, level: string): LoggerOptions {
  return {
    level,
    base: { app },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    ...redactionOptions,
  };
}
