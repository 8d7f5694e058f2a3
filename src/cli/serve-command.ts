// `availability-check serve [--role all|ingress|worker]`: the service, configured from the
// environment, until SIGTERM or SIGINT (graceful: stop accepting, drain, commit, close).
import { ConfigError, loadConfig } from '../config/index.ts';
import { createLogger } from '../service/logger.ts';
import { ROLES, SHUTDOWN_GRACE_MS, startService, type Role } from '../service/start-service.ts';

/**
 * What a stop may take past the drain (commit, leave the group, close clients) before the process
 * gives up waiting and exits with status 1: a stop always ends within SHUTDOWN_BOUND_MS.
 */
const CLOSE_ALLOWANCE_MS = 5_000;
export const SHUTDOWN_BOUND_MS = SHUTDOWN_GRACE_MS + CLOSE_ALLOWANCE_MS;

export function parseRole(args: string[]): Role {
  const at = args.indexOf('--role');
  if (at < 0) return 'all';
  const role = args[at + 1];
  if (!ROLES.includes(role as Role)) throw new Error(`--role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(role ?? '')}`);
  return role as Role;
}

/** Resolves when the process is asked to stop. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); resolve(signal); };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export async function serveCommand(args: string[]): Promise<number> {
  const role = parseRole(args);
  let config;
  try {
    config = loadConfig(process.env, { require: role === 'ingress' ? [] : ['SOURCES_URL'] });
  } catch (err) {
    if (err instanceof ConfigError) { console.error(err.message); return 2; }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const service = await startService({ config, role, logger });
  const signal = await untilSignal();
  // stop() turns the ingress unready and refusing before it returns, so this line comes after that
  const stopped = service.stop();
  logger.info({ signal, boundMs: SHUTDOWN_BOUND_MS }, 'stopping');
  let timer: NodeJS.Timeout | undefined;
  const outOfTime = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), SHUTDOWN_BOUND_MS); });
  const inTime = await Promise.race([stopped.then(() => true), outOfTime]);
  clearTimeout(timer);
  if (!inTime) {
    logger.error({ boundMs: SHUTDOWN_BOUND_MS }, 'not stopped within the bound; exiting anyway');
    return 1;
  }
  logger.info({}, 'stopped');
  return 0;
}
