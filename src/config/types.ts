// The validated, frozen configuration every part of the service reads.
import type { Topics } from '../contract/topics.ts';
import type { Provider } from '../domain/types.ts';
import type { KafkaSecurity } from '../streams/kafka/security.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** A token bucket: `burst` tokens at most, refilled at `ratePerSec`. */
export interface BucketSettings {
  ratePerSec: number;
  burst: number;
}

/** Where to reach Resource Manager: `host:port` means HTTPS. */
export interface GcpEndpoint {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

export interface Config {
  http: { host: string; port: number; metricsPort: number };
  logLevel: LogLevel;
  /** `brokers` undefined = run on the embedded in-process log */
  kafka: { brokers: string | undefined; clientId: string; groupId: string; security: KafkaSecurity };
  topics: Readonly<Topics>;
  cache: { ttlSeconds: number };
  sources: { url: string | undefined; timeoutMs: number };
  checks: { timeoutMs: number; maxAttempts: number; concurrencyPerProvider: number };
  /** our own identity's quota per provider, plus one bucket per customer account */
  rateLimits: Record<Provider | 'iam', BucketSettings> & { account: BucketSettings };
  /** the permission check: required permissions per provider whose check is on */
  permissions: {
    required: Partial<Record<Provider, readonly string[]>>;
    /** the status sent for missing permissions */
    missingStatus: 'unavailable' | 'partially_available';
  };
  ingress: { orgRatePerSec: number; orgBurst: number; bodyLimitBytes: number; publishTimeoutMs: number };
  aws: {
    region: string;
    accessKeyId: string | undefined;
    secretAccessKey: string | undefined;
    endpointUrlSts: string | undefined;
    endpointUrlIam: string | undefined;
    roleSessionName: string;
  };
  azure: {
    tenantId: string | undefined;
    clientId: string | undefined;
    clientSecret: string | undefined;
    authorityHost: string | undefined;
    armEndpoint: string | undefined;
    caFile: string | undefined;
  };
  gcp: { projectEndpoint: GcpEndpoint | undefined; credentialsFile: string | undefined };
}
