// The ClowdApp template (k8s/clowder/clowdapp.yaml): processed the way `oc process` does, the
// ClowdApp validates offline against Clowder's published ClowdApp CRD (test/k8s/clowdapp-crd.ts),
// and it agrees with the code: roles, probes, topic names, the changelog's name and compaction
// settings, co-partitioned inputs, worker replicas within the partition count.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config/index.ts';
import { DEFAULT_TOPICS } from '../../src/contract/topics.ts';
import { changelogTopicConfig } from '../../src/streams/kafka/admin.ts';
import { ROLES } from '../../src/service/start-service.ts';
import { buildAvailabilityTopology } from '../../topology/availability-check.ts';
import { CLOWDER_VERSION, clowdAppCrd } from './clowdapp-crd.ts';
import { servedSchema } from './strimzi-crd.ts';
import { ManifestValidator } from './validate.ts';

const root = path.resolve(import.meta.dirname, '../..');
const CLOWDAPP_API = 'cloud.redhat.com/v1alpha1';
const templateText = readFileSync(path.join(root, 'k8s/clowder/clowdapp.yaml'), 'utf8');
const binName = Object.keys((JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin)[0]!;
const validator = new ManifestValidator();
validator.addCustomResource(CLOWDAPP_API, 'ClowdApp', servedSchema(await clowdAppCrd(), CLOWDAPP_API));

interface Parameter { name: string; value?: string; required?: boolean; description?: string }
interface Template { apiVersion: string; kind: string; metadata: { name: string }; objects: unknown[]; parameters: Parameter[] }
interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }
interface Probe { httpGet?: { path: string; port: string | number } }
interface PodSpec { image: string; command?: string[]; args?: string[]; env?: EnvVar[]; livenessProbe?: Probe; readinessProbe?: Probe }
interface ClowdDeployment { name: string; replicas?: number; podSpec: PodSpec; webServices?: { public?: { enabled?: boolean } } }
interface ClowdApp {
  apiVersion: string; kind: string; metadata: { name: string };
  spec: { envName: string; deployments: ClowdDeployment[]; kafkaTopics: Array<{ topicName: string; partitions?: number; config?: Record<string, string> }> };
}

/**
 * OpenShift's template processing: `${{NAME}}` as a whole value becomes the parameter parsed as
 * JSON (numbers stay numbers), `${NAME}` is replaced inside strings. An unknown name throws.
 */
function processTemplate(template: Template, given: Record<string, string>): unknown[] {
  const values = new Map(template.parameters.map((p) => [p.name, given[p.name] ?? p.value]));
  const valueOf = (name: string) => {
    if (!values.has(name)) throw new Error(`\${${name}} is not a parameter of the template`);
    const value = values.get(name);
    if (value === undefined) throw new Error(`parameter ${name} has no value`);
    return value;
  };
  const substitute = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(substitute);
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, substitute(v)]));
    if (typeof node !== 'string') return node;
    const whole = /^\$\{\{([A-Z0-9_]+)\}\}$/.exec(node);
    if (whole) return JSON.parse(valueOf(whole[1]!));
    return node.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => valueOf(name));
  };
  return template.objects.map(substitute);
}

const template = parse(templateText) as Template;
const defaults = { ENV_NAME: 'env-test' };
const clowdApp = processTemplate(template, defaults)[0] as ClowdApp;
const deployment = (name: string) => {
  const found = clowdApp.spec.deployments.find((d) => d.name === name);
  assert.ok(found, `a deployment named ${name}`);
  return found;
};
const env = (d: ClowdDeployment) => new Map((d.podSpec.env ?? []).map((e) => [e.name, e]));

test('an OpenShift Template of one ClowdApp; every parameter is declared, used and described where not obvious', () => {
  assert.is(template.apiVersion, 'template.openshift.io/v1');
  assert.is(template.kind, 'Template');
  assert.is(template.objects.length, 1);
  const referenced = new Set([...templateText.matchAll(/\$\{\{?([A-Z0-9_]+)\}?\}/g)].map((m) => m[1]!));
  assert.equal([...referenced].sort(), template.parameters.map((p) => p.name).sort(), 'parameters = references');
  for (const p of template.parameters) assert.ok(p.required === true || typeof p.value === 'string', `${p.name}: required or with a string default`);
  assert.throws(() => processTemplate(template, {}), /ENV_NAME has no value/);
});

test(`the ClowdApp validates against Clowder ${CLOWDER_VERSION}'s ClowdApp CRD`, () => {
  assert.is(clowdApp.apiVersion, CLOWDAPP_API);
  assert.is(clowdApp.kind, 'ClowdApp');
  assert.equal(validator.problems(clowdApp as never), []);
  const other = processTemplate(template, { ENV_NAME: 'stage', PARTITIONS: '24', WORKER_REPLICAS: '6', INGRESS_REPLICAS: '4' })[0] as ClowdApp;
  assert.equal(validator.problems(other as never), []);
  assert.is(other.spec.deployments.find((d) => d.name === 'worker')?.replicas, 6, 'replicas are numbers after processing');
});

test('the CRD check is not vacuous: a wrong type and an unknown field are refused', () => {
  const wrongType = processTemplate(template, { ...defaults, WORKER_REPLICAS: '"three"' })[0] as ClowdApp;
  assert.ok(validator.problems(wrongType as never).some((p) => p.includes('/spec/deployments/1/replicas')));
  const misspelt = structuredClone(clowdApp) as unknown as { spec: { deployments: Array<{ podSpec: Record<string, unknown> }> } };
  misspelt.spec.deployments[0]!.podSpec.readinesProbe = {};
  assert.ok(validator.problems(misspelt as never).some((p) => p.includes('readinesProbe')));
});

test('an ingress web service and a worker, each running the image\'s command in its role, probed on the metrics port', () => {
  assert.equal(clowdApp.spec.deployments.map((d) => d.name).sort(), ['ingress', 'worker']);
  for (const name of ['ingress', 'worker'] as const) {
    const { podSpec } = deployment(name);
    assert.equal(podSpec.command, [binName]);
    assert.equal(podSpec.args, ['serve', '--role', name]);
    assert.ok(ROLES.includes(name));
    assert.equal(podSpec.livenessProbe?.httpGet, { path: '/healthz', port: 'metrics' });
    assert.equal(podSpec.readinessProbe?.httpGet, { path: '/readyz', port: 'metrics' });
    for (const variable of env(deployment(name)).keys()) assert.ok(CONFIG_VARIABLES.some((v) => v.name === variable), `${name}: ${variable} is a configuration variable`);
  }
  assert.is(deployment('ingress').webServices?.public?.enabled, true);
  assert.is(deployment('worker').webServices?.public?.enabled, undefined, 'the worker serves no public API');
  for (const secret of CONFIG_VARIABLES.filter((v) => v.secret)) {
    for (const d of clowdApp.spec.deployments) assert.is(env(d).get(secret.name)?.value, undefined, `${secret.name} never as a literal`);
  }
});

test('kafkaTopics: the topics the service uses, the changelog as the worker would create it, co-partitioned', () => {
  const workerEnv = Object.fromEntries([...env(deployment('worker'))].filter(([, e]) => e.value !== undefined && !e.name.endsWith('_FILE')).map(([k, e]) => [k, e.value]));
  const config = loadConfig(workerEnv);
  const ttlMs = config.cache.ttlSeconds * 1000;
  const topology = buildAvailabilityTopology({
    topics: config.topics, ttlMs, applicationId: config.kafka.groupId, concurrency: 1, sourceTimeoutMs: 1, retry: {},
    services: { findApplications: async () => { throw new Error('not run'); }, checkApplications: async () => { throw new Error('not run'); } },
  });
  const topics = new Map(clowdApp.spec.kafkaTopics.map((t) => [t.topicName, t]));
  const topicOf = (name: string) => { const t = topics.get(name); assert.ok(t, `kafkaTopics has ${name}`); return t; };
  for (const name of Object.values(DEFAULT_TOPICS)) topicOf(name);
  assert.is(topology.stores.length, 1);
  const changelog = topicOf(topology.stores[0]!.changelogTopic);
  assert.equal(changelog.config, changelogTopicConfig(ttlMs));
  const inputs = topology.sources.map((s) => topicOf(s.topic));
  const partitions = new Set([...inputs, changelog].map((t) => t.partitions));
  assert.equal([...partitions], [12], 'requests, priority and changelog: PARTITIONS each');
  assert.ok((deployment('worker').replicas ?? 1) <= 12, 'worker replicas <= partitions');
});

test.run();
