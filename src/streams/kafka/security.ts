// How a Kafka client proves who it is and whom it trusts: the security protocol, SASL credentials
// and TLS files, as librdkafka properties. Every client of the service starts from the same ones
// (see baseClientConfig), so a setting cannot reach one client and miss another.
import Kafka from 'node-rdkafka';
import type { LibrdkafkaConfig } from './options.ts';

export const SECURITY_PROTOCOLS = ['plaintext', 'ssl', 'sasl_plaintext', 'sasl_ssl'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface KafkaSecurity {
  protocol: SecurityProtocol;
  /** with sasl_plaintext and sasl_ssl */
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  /** with ssl and sasl_ssl: PEM files; no caFile = the system's trusted CAs */
  tls?: { caFile?: string; certFile?: string; keyFile?: string; keyPassword?: string };
}

export const PLAINTEXT: KafkaSecurity = Object.freeze({ protocol: 'plaintext' });

/** The librdkafka properties of `security` (nothing for plaintext). */
export function securityClientConfig(security: KafkaSecurity): LibrdkafkaConfig {
  if (security.protocol === 'plaintext') return {};
  const config: LibrdkafkaConfig = { 'security.protocol': security.protocol };
  if (security.sasl) {
    config['sasl.mechanisms'] = security.sasl.mechanism;
    config['sasl.username'] = security.sasl.username;
    config['sasl.password'] = security.sasl.password;
  }
  const tls = security.tls ?? {};
  if (tls.caFile !== undefined) config['ssl.ca.location'] = tls.caFile;
  if (tls.certFile !== undefined) config['ssl.certificate.location'] = tls.certFile;
  if (tls.keyFile !== undefined) config['ssl.key.location'] = tls.keyFile;
  if (tls.keyPassword !== undefined) config['ssl.key.password'] = tls.keyPassword;
  return config;
}

/**
 * For a producer connected with connectClient: node-rdkafka then emits librdkafka's log lines,
 * which hold the reason when authentication or the TLS handshake fails. (A producer or consumer
 * setting only: the admin client refuses it.)
 */
export const REPORT_CONNECT_FAILURES: LibrdkafkaConfig = Object.freeze({ event_cb: true });

// What retrying will not cure: the credentials or the certificates are wrong. node-rdkafka's
// error events carry librdkafka's error name but not always its code.
const SECURITY_FAILURES: ReadonlySet<number> = new Set([
  Kafka.CODES.ERRORS.ERR__AUTHENTICATION, Kafka.CODES.ERRORS.ERR__SSL, Kafka.CODES.ERRORS.ERR_SASL_AUTHENTICATION_FAILED,
]);
const SECURITY_FAILURE_NAMES = /authentication failure|ssl error|sasl authentication/i;
// librdkafka's log line of such a failure says why (e.g. "SASL authentication error: … invalid
// credentials …", "SSL handshake failed: … certificate verify failed …")
const SECURITY_FAILURE_LOG = /(SASL authentication error|SSL handshake failed|SASL handshake failed|SSL error)[^]*/;

/** True for a librdkafka error that says authentication or the TLS handshake failed. */
export function isSecurityFailure(err: { code?: number; message: string }): boolean {
  return (err.code !== undefined && SECURITY_FAILURES.has(err.code)) || SECURITY_FAILURE_NAMES.test(err.message);
}

interface Connectable {
  on(event: 'event.error', listener: (err: Kafka.LibrdKafkaError) => void): void;
  on(event: 'event.log', listener: (log: { message: string }) => void): void;
  off(event: 'event.error', listener: (err: Kafka.LibrdKafkaError) => void): void;
  off(event: 'event.log', listener: (log: { message: string }) => void): void;
  connect(options: { timeout: number }, callback: (err: Kafka.LibrdKafkaError | null) => void): void;
  isConnected(): boolean;
}

/**
 * Connects a producer and fails as soon as librdkafka reports that authentication or the TLS
 * handshake failed, with librdkafka's reason: left alone, it retries until the timeout and then
 * says only "broker transport failure". (A producer's errors are delivered by polling it, which
 * node-rdkafka allows once its handle exists, while the connect still waits for metadata.) On
 * failure the caller still owns the client and must release it.
 */
export function connectClient(client: Kafka.Producer, what: string, timeoutMs: number): Promise<void> {
  // the typings' overloads of on/off do not accept a listener chosen at run time
  const connectable = client as unknown as Connectable;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let reason: string | undefined;
    const poller = setInterval(() => { if (connectable.isConnected()) client.poll(); }, 100);
    const onLog = (log: { message: string }) => { reason = SECURITY_FAILURE_LOG.exec(log.message)?.[0] ?? reason; };
    const settle = (err?: { message: string; code?: number }) => {
      if (settled) return;
      settled = true;
      clearInterval(poller);
      connectable.off('event.error', onError);
      connectable.off('event.log', onLog);
      if (!err) { resolve(); return; }
      const cause = isSecurityFailure(err) && reason ? reason : err.message;
      reject(Object.assign(new Error(`${what}: ${cause}`), { code: err.code }));
    };
    const onError = (err: Kafka.LibrdKafkaError) => { if (isSecurityFailure(err)) settle(err); };
    connectable.on('event.error', onError);
    connectable.on('event.log', onLog);
    connectable.connect({ timeout: timeoutMs }, (err) => settle(err ?? undefined));
  });
}
