// AWS check: STS AssumeRole on the customer's role ARN with our own credentials. AssumeRole is
// non-mutating for the customer; the temporary credentials it returns serve only the permission
// check (src/checks/permissions/aws-role-policies.ts) and are then dropped.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { AVAILABLE, classifyError } from './classify.ts';
import { awsPermissionCheck } from './permissions/aws-role-policies.ts';
import { InvalidAccountRefError, type CheckOutcome, type Checker } from './types.ts';

export interface AwsCheckerOptions {
  /** STS region, e.g. 'us-east-1' */
  region: string;
  /** our own long-term credentials: always explicit, so the SDK never walks the default provider chain or IMDS */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** STS endpoint URL, e.g. an emulator's http://127.0.0.1:PORT; default: the SDK's regional endpoint */
  endpoint?: string;
  /** RoleSessionName in the customer's CloudTrail; default 'availability-check' */
  roleSessionName?: string;
  /** ExternalId, when the customers' trust policies require one */
  externalId?: string;
  /** IAM endpoint for the permission check, e.g. an emulator's; default the SDK's */
  iamEndpoint?: string;
}

// arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME, IAM's character set for paths and role names.
const ROLE_ARN = /^arn:aws(?:-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** Throws InvalidAccountRefError unless `value` is an IAM role ARN. */
export function assertRoleArn(value: string): void {
  if (value.length > 2048 || !ROLE_ARN.test(value)) {
    throw new InvalidAccountRefError('aws', value, 'an IAM role ARN such as arn:aws:iam::123456789012:role/name');
  }
}

function required(name: string, value: string | undefined): string {
  if (!value) throw new TypeError(`AWS checker: ${name} is required`);
  return value;
}

/**
 * @example
 *   const aws = createAwsChecker({ region: 'us-east-1', credentials: { accessKeyId, secretAccessKey } });
 *   await aws.check('arn:aws:iam::123456789012:role/app', AbortSignal.timeout(5000)); // { kind: 'available' }
 */
export function createAwsChecker(options: AwsCheckerOptions): Checker {
  // Validated here because STS would answer a bad one with ValidationError, which the classifier
  // must be able to read as "the customer's ARN is invalid", never as our own misconfiguration.
  const roleSessionName = options.roleSessionName ?? 'availability-check';
  if (!/^[\w+=,.@-]{2,64}$/.test(roleSessionName)) throw new TypeError(`AWS checker: roleSessionName ${JSON.stringify(roleSessionName)} is not valid for STS (2-64 of [\\w+=,.@-])`);
  if (options.externalId !== undefined && !/^[\w+=,.@:/-]{2,1224}$/.test(options.externalId)) throw new TypeError('AWS checker: externalId is not valid for STS (2-1224 of [\\w+=,.@:/-])');

  const client = new STSClient({
    region: required('region', options.region),
    credentials: {
      accessKeyId: required('credentials.accessKeyId', options.credentials?.accessKeyId),
      secretAccessKey: required('credentials.secretAccessKey', options.credentials?.secretAccessKey),
      ...(options.credentials.sessionToken ? { sessionToken: options.credentials.sessionToken } : {}),
    },
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    // We retry ourselves, through the rate limiter; an SDK retry would bypass it.
    maxAttempts: 1,
    // 'legacy' makes no environment probes ('auto' may ask IMDS for the region).
    defaultsMode: 'legacy',
  });
  return {
    provider: 'aws',
    async check(roleArn: string, signal: AbortSignal): Promise<CheckOutcome> {
      try {
        assertRoleArn(roleArn);
        const reply = await client.send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: roleSessionName,
            // The shortest session STS allows: we only want to know whether we may assume the role.
            DurationSeconds: 900,
            ...(options.externalId ? { ExternalId: options.externalId } : {}),
          }),
          { abortSignal: signal },
        );
        const { AccessKeyId, SecretAccessKey, SessionToken } = reply.Credentials ?? {};
        // kept only for the permission check that may follow
        return AccessKeyId && SecretAccessKey && SessionToken
          ? { kind: 'available', credentials: { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken } }
          : AVAILABLE;
      } catch (err) {
        return classifyError('aws', roleArn, err);
      }
    },
    permissions: awsPermissionCheck({ region: options.region, ...(options.iamEndpoint ? { endpoint: options.iamEndpoint } : {}) }),
  };
}
