import pino, { type Logger } from 'pino';
import type { Config } from '@sso/config';

/**
 * JSON logs, one line per event. Secrets never reach a log line: credentials, cookies and
 * tokens are redacted wherever they appear in a logged object.
 */
export function createLogger(app: string, config: Config): Logger {
  return pino({
    level: config.log.level,
    base: { app },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["z-user"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
        '*.access_token',
      ],
      censor: '[redacted]',
    },
  });
}
