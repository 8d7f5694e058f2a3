// The service's structured JSON log (pino). One logger per process, level from LOG_LEVEL.
import { pino } from 'pino';
import type { LogLevel } from '../config/index.ts';

export type Logger = pino.Logger;

export function createLogger(level: LogLevel, destination: NodeJS.WritableStream = process.stdout): Logger {
  return pino({ level, base: { service: 'sources-availability-check' }, timestamp: pino.stdTimeFunctions.isoTime }, destination as pino.DestinationStream);
}
