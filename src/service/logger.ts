// The service's structured JSON log (pino). One logger per process, level from LOG_LEVEL.
// Log calls name their fields and never pass a record's headers or the configuration, so no
// credential or raw identity reaches a line; the redaction below is a second line of defence for
// the usual places one could hide in an object logged by mistake.
import { pino } from 'pino';
import type { LogLevel } from '../config/index.ts';

export type Logger = pino.Logger;

const SECRET_KEYS = ['secretAccessKey', 'sessionToken', 'clientSecret', 'private_key', 'privateKey', 'password', 'xRhIdentity', 'authorization', '["x-rh-identity"]'];

/** Redaction paths: each secret key at the top level and one or two levels down. */
export const REDACT_PATHS: readonly string[] = SECRET_KEYS.flatMap((key) => {
  const member = key.startsWith('[') ? key : `.${key}`;
  return [key.startsWith('[') ? `headers${key}` : key, `*${member}`, `*.*${member}`];
});

export function createLogger(level: LogLevel, destination: NodeJS.WritableStream = process.stdout): Logger {
  return pino({
    level,
    base: { service: 'sources-availability-check' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
  }, destination as pino.DestinationStream);
}
