// The Strimzi KafkaTopic CustomResourceDefinition, generated once from Strimzi's own API model
// with Strimzi's own CRD generator (both resolved by Maven from test/k8s/strimzi/pom.xml; see the
// pom for why these versions) and cached under .cache/strimzi/. Later runs are offline.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const pom = path.join(import.meta.dirname, 'strimzi/pom.xml');

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema: { openAPIV3Schema: Record<string, unknown> };
}

export interface CustomResourceDefinition {
  kind: 'CustomResourceDefinition';
  spec: { group: string; names: { kind: string }; versions: CrdVersion[] };
}

/** The io.strimzi:api version the CRD is generated from (test/k8s/strimzi/pom.xml). */
export function strimziApiVersion(): string {
  const version = /<strimzi\.api\.version>([^<]+)</.exec(readFileSync(pom, 'utf8'))?.[1];
  if (!version) throw new Error(`${pom} has no <strimzi.api.version>`);
  return version;
}

async function generate(dir: string, target: string): Promise<void> {
  const libs = path.join(dir, 'libs');
  // written after a complete copy: an interrupted one is redone, not half used
  const complete = path.join(libs, '.complete');
  if (!existsSync(complete)) {
    console.log(`resolving io.strimzi:api ${strimziApiVersion()} and its CRD generator with Maven into ${path.relative(root, libs)} (once)`);
    await run('mvn', ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`, '-DincludeScope=runtime'], { maxBuffer: 16 * 1024 * 1024 })
      .catch((err: Error & { stdout?: string }) => { throw new Error(`mvn could not resolve the Strimzi artifacts: ${err.stdout || err.message}`); });
    writeFileSync(complete, '');
  }
  // The arguments Strimzi's api/pom.xml passes for 043-Crd-kafkatopic.yaml.
  const partial = `${target}.${process.pid}.tmp`;
  await run('java', [
    '-cp', `${libs}${path.sep}*`, 'io.strimzi.crdgenerator.CrdGenerator',
    '--label', 'app:strimzi', '--label', 'strimzi.io/crd-install:true', '--target-kube', '1.16+',
    '--crd-api-version', 'v1', '--api-versions', 'v1alpha1,v1beta1,v1beta2,v1', '--storage-version', 'v1beta2',
    '--yaml', `io.strimzi.api.kafka.model.topic.KafkaTopic=${partial}`,
  ], { maxBuffer: 16 * 1024 * 1024 }).catch((err: Error & { stderr?: string }) => { throw new Error(`Strimzi's CrdGenerator failed: ${err.stderr || err.message}`); });
  renameSync(partial, target);
}

/** The KafkaTopic CRD, generated on first use. */
/**
 * The CRD of `kind` cached in `target`; `produce(dir, target)` writes it there on first use. A file
 * that is not that CRD fails with a message saying to delete it.
 */
export async function cachedCrd(kind: string, target: string, produce: (dir: string, target: string) => Promise<void>): Promise<CustomResourceDefinition> {
  if (!existsSync(target)) {
    mkdirSync(path.dirname(target), { recursive: true });
    await produce(path.dirname(target), target);
  }
  const crd = parse(readFileSync(target, 'utf8')) as CustomResourceDefinition;
  if (crd?.kind !== 'CustomResourceDefinition' || crd.spec?.names?.kind !== kind) {
    throw new Error(`${target} is not the ${kind} CRD; delete it to fetch or generate it again`);
  }
  return crd;
}

export async function kafkaTopicCrd(): Promise<CustomResourceDefinition> {
  return cachedCrd('KafkaTopic', path.join(root, '.cache/strimzi', strimziApiVersion(), '043-Crd-kafkatopic.yaml'), generate);
}

/** The openAPIV3Schema of `apiVersion` (group/version), which the CRD must serve. */
export function servedSchema(crd: CustomResourceDefinition, apiVersion: string): Record<string, unknown> {
  const [group, version] = apiVersion.split('/');
  if (group !== crd.spec.group) throw new Error(`${apiVersion} is not in the CRD's group ${crd.spec.group}`);
  const entry = crd.spec.versions.find((v) => v.name === version);
  if (!entry?.served) throw new Error(`the ${crd.spec.names.kind} CRD does not serve ${apiVersion} (served: ${crd.spec.versions.filter((v) => v.served).map((v) => v.name).join(', ')})`);
  return entry.schema.openAPIV3Schema;
}
