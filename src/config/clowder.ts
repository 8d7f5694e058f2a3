// Configuration from Clowder: when ACG_CONFIG names Clowder's generated app configuration
// (cdappconfig.json), its Kafka brokers, SASL credentials and CA, topic names and ports become
// the values of the matching environment variables. Variables set explicitly still win, and the
// result goes through the same validation as any environment. TOPIC_* name a topic as the
// ClowdApp requests it; Clowder's mapping from requested to actual name then applies (on a
// shared cluster the actual name may differ).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { DEFAULT_TOPICS } from '../contract/topics.ts';
import { ConfigError } from './errors.ts';

interface ClowderBroker {
  hostname: string;
  port?: number;
  cacert?: string;
  authtype?: string;
  securityProtocol?: string;
  sasl?: { username?: string; password?: string; saslMechanism?: string; securityProtocol?: string };
}

/** The part of Clowder's app configuration the service reads. */
export interface ClowderAppConfig {
  publicPort?: number;
  webPort?: number;
  metricsPort?: number;
  kafka?: { brokers: ClowderBroker[]; topics: Array<{ requestedName: string; name: string }> };
}

// Only the fields read here are described; Clowder's other sections pass unchecked.
const clowderSchema = {
  type: 'object',
  properties: {
    publicPort: { type: 'integer' },
    webPort: { type: 'integer' },
    metricsPort: { type: 'integer' },
    kafka: {
      type: 'object',
      required: ['brokers', 'topics'],
      properties: {
        brokers: {
          type: 'array', minItems: 1,
          items: {
            type: 'object', required: ['hostname'],
            properties: {
              hostname: { type: 'string', minLength: 1 }, port: { type: 'integer' }, cacert: { type: 'string' },
              authtype: { type: 'string' }, securityProtocol: { type: 'string' },
              sasl: {
                type: 'object',
                properties: { username: { type: 'string' }, password: { type: 'string' }, saslMechanism: { type: 'string' }, securityProtocol: { type: 'string' } },
              },
            },
          },
        },
        topics: {
          type: 'array',
          items: { type: 'object', required: ['requestedName', 'name'], properties: { requestedName: { type: 'string' }, name: { type: 'string' } } },
        },
      },
    },
  },
};
const validateClowder = new Ajv({ allErrors: true, strict: false }).compile<ClowderAppConfig>(clowderSchema);

const TOPIC_VARIABLES = {
  TOPIC_REQUESTS: DEFAULT_TOPICS.requests,
  TOPIC_PRIORITY: DEFAULT_TOPICS.priority,
  TOPIC_STATUS: DEFAULT_TOPICS.status,
  TOPIC_DEAD_LETTER: DEFAULT_TOPICS.deadLetter,
} as const;

function problem(file: string, message: string): ConfigError {
  return new ConfigError([{ variable: 'ACG_CONFIG', message: `ACG_CONFIG ${file}: ${message}` }]);
}

/** Reads and checks the file ACG_CONFIG names; throws ConfigError naming ACG_CONFIG. */
export function readClowderConfig(file: string): ClowderAppConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw problem(file, `cannot be read as JSON (${(err as Error).message.split('\n')[0]})`);
  }
  // paths only: the file holds credentials, no value of it is ever echoed
  if (!validateClowder(parsed)) throw problem(file, (validateClowder.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; '));
  return parsed;
}

/**
 * Clowder's PEM CA written where librdkafka can read it: a file in the temporary directory named
 * after its content, readable by this user only (the service has nothing writable but /tmp).
 */
function caFile(pem: string): string {
  const file = path.join(tmpdir(), `availability-check-kafka-ca-${createHash('sha256').update(pem).digest('hex').slice(0, 16)}.pem`);
  writeFileSync(file, pem, { mode: 0o600 });
  return file;
}

/** The environment values Clowder's configuration provides (only the ones it has). */
export function clowderEnvironment(clowder: ClowderAppConfig): Record<string, string> {
  const env: Record<string, string> = {};
  const port = clowder.publicPort ?? clowder.webPort;
  if (port !== undefined) env.PORT = String(port);
  if (clowder.metricsPort !== undefined) env.METRICS_PORT = String(clowder.metricsPort);
  const kafka = clowder.kafka;
  if (!kafka) return env;
  env.KAFKA_BROKERS = kafka.brokers.map((b) => `${b.hostname}:${b.port ?? 9092}`).join(',');
  // One cluster: its first broker's settings hold for all (Clowder writes the same on each).
  const broker = kafka.brokers[0]!;
  const sasl = broker.authtype === 'sasl' || broker.sasl?.username !== undefined ? broker.sasl : undefined;
  const protocol = (broker.securityProtocol ?? broker.sasl?.securityProtocol)?.toLowerCase()
    ?? (sasl ? 'sasl_ssl' : broker.cacert ? 'ssl' : 'plaintext');
  env.KAFKA_SECURITY_PROTOCOL = protocol;
  if (sasl && protocol.startsWith('sasl_')) {
    env.KAFKA_SASL_MECHANISM = sasl.saslMechanism ?? 'SCRAM-SHA-512';
    if (sasl.username !== undefined) env.KAFKA_SASL_USERNAME = sasl.username;
    if (sasl.password !== undefined) env.KAFKA_SASL_PASSWORD = sasl.password;
  }
  if (broker.cacert && (protocol === 'ssl' || protocol === 'sasl_ssl')) env.KAFKA_SSL_CA_FILE = caFile(broker.cacert);
  return env;
}

/**
 * `env` with Clowder's configuration under it when ACG_CONFIG is set: Clowder's values fill what
 * `env` leaves unset (or empty), and every topic name is mapped from requested to actual.
 * Without ACG_CONFIG, `env` as it is.
 */
export function withClowder(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const file = env.ACG_CONFIG?.trim();
  if (!file) return env;
  const clowder = readClowderConfig(file);
  const merged: NodeJS.ProcessEnv = { ...clowderEnvironment(clowder) };
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value.trim() !== '') merged[name] = value;
  const actual = new Map((clowder.kafka?.topics ?? []).map((t) => [t.requestedName, t.name]));
  for (const [name, fallback] of Object.entries(TOPIC_VARIABLES)) {
    const requested = merged[name]?.trim() || fallback;
    merged[name] = actual.get(requested) ?? requested;
  }
  return merged;
}
