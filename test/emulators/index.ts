// All emulators at once, seeded with demo sources, for `make run` and for tests: Sources v3.1,
// AWS STS, Azure (Entra ID + ARM over HTTPS) and GCP Resource Manager, each on 127.0.0.1 with an
// ephemeral port. `checkers` and `sourcesUrl` are ready to pass to createCheckers/SourcesClient.
//
// Run standalone: node --import tsx test/emulators/index.ts [--latency=MS] [--no-buckets]
import { pathToFileURL } from 'node:url';
import type { CheckersOptions } from '../../src/checks/index.ts';
import type { Provider, RequestIdentity } from '../../src/domain/types.ts';
import { AUTHTYPE_BY_PROVIDER } from '../../src/domain/types.ts';
import { startAzureEmulator, type AzureEmulator } from './azure.ts';
import { startGcpEmulator, type GcpEmulator } from './gcp.ts';
import type { BucketConfig } from './server-bucket.ts';
import { startSourcesEmulator, type SourcesEmulator } from './sources.ts';
import { startStsEmulator, type RolePolicies, type StsEmulator } from './sts.ts';
import { DEFAULT_AWS_PERMISSIONS, DEFAULT_GCP_PERMISSIONS } from '../../src/config/required-permissions.ts';

export interface EmulatorsOptions {
  /** latency of every cloud call in ms; default 0 */
  latencyMs?: number;
  /**
   * The quota each cloud enforces on our identity; default the README's (AWS 20/s burst 100,
   * Azure 25/s burst 250, GCP 10/s burst 10). `iam`: IAM's quota per AWS account (none by
   * default). false: no quota.
   */
  buckets?: Partial<Record<Provider | 'iam', BucketConfig>> | false;
  /** seed the demo sources; default true */
  seedDemo?: boolean;
}

export interface DemoSource {
  sourceId: string;
  applicationId: string;
  provider: Provider;
  accountRef: string;
  /** what a correct check reports for it */
  expected: 'available' | 'unavailable';
  /** the one required permission its account lacks (the permission-drift demo) */
  lacks?: string;
}

export interface Emulators {
  sources: SourcesEmulator;
  sts: StsEmulator;
  azure: AzureEmulator;
  gcp: GcpEmulator;
  /** options for createCheckers(), pointing at the emulators */
  checkers: Required<CheckersOptions>;
  /** SOURCES_URL */
  sourcesUrl: string;
  /** the demo tenant's identity, as Sources' scheduler sends it */
  identity: RequestIdentity;
  demo: DemoSource[];
  stop(): Promise<void>;
}

export const DEFAULT_EMULATED_QUOTAS: Readonly<Record<Provider, BucketConfig>> = Object.freeze({
  aws: { ratePerSec: 20, burst: 100 },
  azure: { ratePerSec: 25, burst: 250 },
  gcp: { ratePerSec: 10, burst: 10 },
});

const ORG_ID = '000001';
const ACCOUNT_NUMBER = '0001';

/** A working and a broken source per provider; ids are fixed so demos and docs can name them. */
export const DEMO_SOURCES: readonly (DemoSource & { mode: 'ok' | 'denied' | 'not-found' })[] = [
  { sourceId: '1001', applicationId: '2001', provider: 'aws', accountRef: 'arn:aws:iam::123456789012:role/demo-available', expected: 'available', mode: 'ok' },
  { sourceId: '1002', applicationId: '2002', provider: 'aws', accountRef: 'arn:aws:iam::123456789012:role/demo-denied', expected: 'unavailable', mode: 'denied' },
  { sourceId: '1003', applicationId: '2003', provider: 'azure', accountRef: '6a8b0c2e-4f1d-4e3a-9b7c-1d2e3f4a5b6c', expected: 'available', mode: 'ok' },
  { sourceId: '1004', applicationId: '2004', provider: 'azure', accountRef: '0d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6', expected: 'unavailable', mode: 'not-found' },
  { sourceId: '1005', applicationId: '2005', provider: 'gcp', accountRef: 'demo-project-available', expected: 'available', mode: 'ok' },
  { sourceId: '1006', applicationId: '2006', provider: 'gcp', accountRef: 'demo-project-denied', expected: 'unavailable', mode: 'denied' },
  { sourceId: '1007', applicationId: '2007', provider: 'aws', accountRef: 'arn:aws:iam::123456789012:role/demo-missing-permission', expected: 'unavailable', mode: 'ok', lacks: 'ec2:CreateTags' },
  { sourceId: '1008', applicationId: '2008', provider: 'gcp', accountRef: 'demo-project-lacking-create', expected: 'unavailable', mode: 'ok', lacks: 'compute.instances.create' },
  { sourceId: '1009', applicationId: '2009', provider: 'azure', accountRef: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', expected: 'unavailable', mode: 'ok', lacks: 'Microsoft.Compute/virtualMachines/write' },
];

/**
 * The demo AWS roles' policies, as a customer following the provisioning documentation would set
 * them up: EC2 through wildcards in a managed policy, the IAM reads inline; `lacks` is left out.
 */
function demoRolePolicies(lacks: string | undefined): RolePolicies {
  const ec2 = lacks
    ? DEFAULT_AWS_PERMISSIONS.filter((a) => a.startsWith('ec2:') && a !== lacks)
    : ['ec2:Describe*', 'ec2:CreateKeyPair', 'ec2:DeleteKeyPair', 'ec2:ImportKeyPair', 'ec2:CreateLaunchTemplate*', 'ec2:CreateTags', 'ec2:DeleteTags', 'ec2:RunInstances', 'ec2:StartInstances'];
  return {
    attached: [{ arn: 'arn:aws:iam::123456789012:policy/provisioning', document: { Version: '2012-10-17', Statement: [{ Sid: 'Launch', Effect: 'Allow', Action: ec2, Resource: '*' }] } }],
    inline: { 'read-own-policies': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'], Resource: '*' }] } },
  };
}

export function demoIdentity(): RequestIdentity {
  const identity = { identity: { account_number: ACCOUNT_NUMBER, org_id: ORG_ID, internal: { org_id: '' }, type: 'System' }, entitlements: null };
  return { xRhIdentity: Buffer.from(JSON.stringify(identity)).toString('base64'), orgId: ORG_ID, accountNumber: ACCOUNT_NUMBER };
}

export async function startEmulators(options: EmulatorsOptions = {}): Promise<Emulators> {
  const quotas: Partial<Record<Provider | 'iam', BucketConfig>> = options.buckets === false ? {} : { ...DEFAULT_EMULATED_QUOTAS, ...options.buckets };
  const latencyMs = options.latencyMs ?? 0;
  const [sources, sts, azure, gcp] = await Promise.all([
    startSourcesEmulator(),
    startStsEmulator({ latencyMs, bucket: quotas.aws, ...(quotas.iam ? { iamBucket: quotas.iam } : {}) }),
    startAzureEmulator({ latencyMs, bucket: quotas.azure }),
    startGcpEmulator({ latencyMs, bucket: quotas.gcp }),
  ]);
  const byProvider = { aws: sts, azure, gcp };
  const demo = options.seedDemo === false ? [] : DEMO_SOURCES.map(({ mode, ...source }) => {
    sources.seed(source.sourceId, {
      orgId: ORG_ID,
      authentications: [{ authtype: AUTHTYPE_BY_PROVIDER[source.provider], username: source.accountRef, resource_id: source.applicationId }],
    });
    byProvider[source.provider].setMode(source.accountRef, mode);
    if (source.provider === 'aws') sts.setRolePolicies(source.accountRef, demoRolePolicies(source.lacks));
    if (source.provider === 'gcp' && source.lacks) gcp.setGranted(source.accountRef, DEFAULT_GCP_PERMISSIONS.filter((p) => p !== source.lacks));
    // a custom role: the three providers launching needs, with the one operation taken out
    if (source.provider === 'azure' && source.lacks) azure.setPermissions(source.accountRef, [{ actions: ['Microsoft.Compute/*', 'Microsoft.Network/*', 'Microsoft.Resources/*'], notActions: [source.lacks] }]);
    return source;
  });
  return {
    sources, sts, azure, gcp, demo,
    sourcesUrl: sources.url,
    identity: demoIdentity(),
    checkers: {
      aws: { region: 'us-east-1', endpoint: sts.url, iamEndpoint: sts.url, credentials: { accessKeyId: sts.accessKeyId, secretAccessKey: 'emulator-secret' } },
      azure: { tenantId: azure.tenantId, clientId: azure.clientId, clientSecret: azure.clientSecret, authorityHost: azure.url, armEndpoint: azure.url, ca: azure.ca },
      gcp: { credentials: gcp.serviceAccount, apiEndpoint: gcp.host, port: gcp.port, protocol: 'http' },
    },
    async stop() {
      await Promise.all([sources.stop(), sts.stop(), azure.stop(), gcp.stop()]);
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const latency = process.argv.find((a) => a.startsWith('--latency='));
  const emulators = await startEmulators({
    latencyMs: latency ? Number(latency.slice('--latency='.length)) : 0,
    buckets: process.argv.includes('--no-buckets') ? false : undefined,
  });
  console.log(`sources ${emulators.sources.url}\naws sts ${emulators.sts.url}\nazure   ${emulators.azure.url}\ngcp     ${emulators.gcp.url}`);
  for (const d of emulators.demo) console.log(`demo source ${d.sourceId}: ${d.provider} ${d.accountRef} → ${d.expected}${d.lacks ? ` (lacks ${d.lacks})` : ''}`);
  const stop = () => { void emulators.stop().then(() => process.exit(0)); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
