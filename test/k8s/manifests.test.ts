// Every kustomization under k8s/ renders offline, every object validates against its schema
// (Kubernetes, Prometheus Operator, Strimzi's KafkaTopic CRD), and the deployment keeps its
// promises: each configuration variable reaches the containers that read it (secrets only from
// Secrets), pods run non-root on a read-only root, probes hit /healthz and /readyz, disruption
// budgets exist, and the Kafka topics match the topology the worker will run.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CONFIG_VARIABLES, loadConfig, type Config } from '../../src/config/index.ts';
import { changelogTopicConfig } from '../../src/streams/kafka/admin.ts';
import { buildAvailabilityTopology } from '../../topology/availability-check.ts';
import { findRenderer, renderKustomization, type K8sObject } from './kustomize.ts';
import { kafkaTopicCrd, servedSchema, strimziApiVersion } from './strimzi-crd.ts';
import { ManifestValidator } from './validate.ts';
import { containerEnvironment, ofKind, resolvePort, selects, type Container, type Deployment, type EnvSource } from './workloads.ts';

const root = path.resolve(import.meta.dirname, '../..');
const k8sDir = path.join(root, 'k8s');
const BASE_IMAGE = 'quay.io/example/sources-availability-check:latest';
const KAFKA_TOPIC_API = 'kafka.strimzi.io/v1';
const binName = Object.keys((JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin)[0]!;
// The worker alone talks to Sources and the clouds; the ingress must not hold those settings.
const WORKER_ONLY = /^(SOURCES_|CACHE_|CHECK_|ACCOUNT_|AWS_|AZURE_|GCP_|IAM_|PERMISSION)/;
const SECRET_VARIABLES = CONFIG_VARIABLES.filter((v) => v.secret).map((v) => v.name);

interface KafkaTopic extends K8sObject {
  spec: { topicName?: string; partitions?: number; replicas?: number; config?: Record<string, string | number> };
}

function kustomizations(dir: string): string[] {
  const found = readdirSync(dir).includes('kustomization.yaml') ? [dir] : [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) found.push(...kustomizations(full));
  }
  return found;
}

function role(container: Container): string | undefined {
  const args = container.args ?? [];
  const at = args.indexOf('--role');
  return at < 0 ? undefined : args[at + 1];
}

function workload(objects: K8sObject[], wanted: 'ingress' | 'worker'): { deployment: Deployment; container: Container } {
  const matches = ofKind<Deployment>(objects, 'Deployment').flatMap((deployment) =>
    deployment.spec.template.spec.containers.filter((c) => role(c) === wanted).map((container) => ({ deployment, container })));
  assert.is(matches.length, 1, `exactly one container runs "serve --role ${wanted}"`);
  return matches[0]!;
}

/**
 * The container's environment as the service would read it: ConfigMap and literal values; a
 * Secret-backed variable left unset (its keys are optional) and a file path swapped for a real
 * file, since the Secret's content is the operator's (README "Deploy").
 */
function environmentFor(sources: Map<string, EnvSource>, readableFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, source] of sources) {
    if (source.from === 'secret') continue;
    env[name] = source.value;
  }
  for (const spec of CONFIG_VARIABLES) {
    if (spec.schema.format === 'readable-file' && env[spec.name]) env[spec.name] = readableFile;
  }
  return env;
}

const renderer = await findRenderer();
const crd = await kafkaTopicCrd();
const validator = new ManifestValidator();
validator.addCustomResource(KAFKA_TOPIC_API, 'KafkaTopic', servedSchema(crd, KAFKA_TOPIC_API));
const scratch = mkdtempSync(path.join(tmpdir(), 'k8s-manifests-'));
const fakeKeyFile = path.join(scratch, 'key.json');
writeFileSync(fakeKeyFile, '{}');
const dirs = kustomizations(k8sDir);
test.after(() => rmSync(scratch, { recursive: true, force: true }));
console.log(`renderer: ${renderer.description}; KafkaTopic CRD from io.strimzi:api ${strimziApiVersion()}; kustomizations: ${dirs.map((d) => path.relative(root, d)).join(', ')}`);

test('k8s/ has the base and the local overlay', () => {
  assert.ok(dirs.includes(path.join(k8sDir, 'base')), 'k8s/base');
  assert.ok(dirs.includes(path.join(k8sDir, 'overlays/local')), 'k8s/overlays/local');
});

for (const dir of dirs) {
  const name = path.relative(root, dir);
  const objects = await renderKustomization(renderer, dir);
  const deployments = ofKind<Deployment>(objects, 'Deployment');
  const topics = ofKind<KafkaTopic>(objects, 'KafkaTopic');
  const isBase = dir === path.join(k8sDir, 'base');

  test(`${name}: every object validates against its schema`, () => {
    assert.ok(objects.length > 0);
    const problems = objects.flatMap((o) => validator.problems(o));
    assert.equal(problems, [], problems.join('\n'));
  });

  test(`${name}: the ingress and the worker run the package's bin with their role`, () => {
    const ingress = workload(objects, 'ingress');
    const worker = workload(objects, 'worker');
    for (const { container } of [ingress, worker]) {
      assert.equal(container.command, [binName]);
      assert.is(container.args?.[0], 'serve');
      if (isBase) assert.is(container.image, BASE_IMAGE);
      else assert.is.not(container.image, BASE_IMAGE, 'an overlay sets its image');
    }
    assert.ok((ingress.deployment.spec.replicas ?? 1) >= 2, 'the ingress runs 2+ replicas');
  });

  test(`${name}: a stopping ingress keeps answering until it has left the Service's endpoints`, () => {
    const { deployment, container } = workload(objects, 'ingress');
    const preStop = container.lifecycle?.preStop;
    const delay = preStop?.sleep?.seconds ?? (preStop?.exec?.command[0] === 'sleep' ? Number(preStop.exec.command[1]) : 0);
    assert.ok(delay >= 3, `preStop waits a few seconds (${delay})`);
    assert.ok((deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30) >= delay + 10, 'and leaves time to drain after it');
  });

  test(`${name}: every configuration variable reaches the containers that read it`, () => {
    const ingressEnv = containerEnvironment(objects, workload(objects, 'ingress').container);
    const workerEnv = containerEnvironment(objects, workload(objects, 'worker').container);
    for (const spec of CONFIG_VARIABLES) {
      assert.ok(workerEnv.has(spec.name), `worker gets ${spec.name}`);
      if (WORKER_ONLY.test(spec.name)) assert.not.ok(ingressEnv.has(spec.name), `ingress does not get ${spec.name}`);
      else assert.ok(ingressEnv.has(spec.name), `ingress gets ${spec.name}`);
      const source = workerEnv.get(spec.name)!;
      if (spec.secret) assert.is(source.from, 'secret', `${spec.name} comes from a Secret`);
      else assert.is.not(source.from, 'secret', `${spec.name} is not a secret`);
    }
    const unknown = [...workerEnv.keys(), ...ingressEnv.keys()].filter((n) => !CONFIG_VARIABLES.some((v) => v.name === n));
    assert.equal(unknown, [], `variables the service does not read: ${unknown.join(', ')}`);
    for (const configMap of ofKind<K8sObject & { data?: Record<string, string> }>(objects, 'ConfigMap')) {
      const leaked = Object.keys(configMap.data ?? {}).filter((key) => SECRET_VARIABLES.includes(key));
      assert.equal(leaked, [], `${configMap.metadata.name} holds no secret`);
    }
  });

  test(`${name}: the GCP key file is mounted from a Secret at GCP_CREDENTIALS_FILE`, () => {
    const { deployment, container } = workload(objects, 'worker');
    const file = containerEnvironment(objects, container).get('GCP_CREDENTIALS_FILE');
    assert.ok(file && file.from !== 'secret' && file.value, 'GCP_CREDENTIALS_FILE is set');
    const mount = container.volumeMounts?.find((m) => file.value.startsWith(`${m.mountPath}/`));
    assert.ok(mount, `a volume is mounted above ${file.value}`);
    assert.ok(mount.readOnly, 'read-only');
    const volume = deployment.spec.template.spec.volumes?.find((v) => v.name === mount.name);
    assert.ok(volume?.secret, 'the volume is a Secret');
    const relative = file.value.slice(mount.mountPath.length + 1);
    assert.ok(!volume.secret.items || volume.secret.items.some((item) => item.path === relative), `the Secret projects ${relative}`);
  });

  test(`${name}: each container's environment passes the service's own configuration check`, () => {
    const ingress = containerEnvironment(objects, workload(objects, 'ingress').container);
    const worker = containerEnvironment(objects, workload(objects, 'worker').container);
    // on Kubernetes the roles run apart, so both need brokers (the embedded log is one process)
    loadConfig(environmentFor(ingress, fakeKeyFile), { require: ['KAFKA_BROKERS'] });
    loadConfig(environmentFor(worker, fakeKeyFile), { require: ['KAFKA_BROKERS', 'SOURCES_URL'] });
  });

  test(`${name}: pods run non-root with a read-only root, no capabilities, RuntimeDefault seccomp, a writable /tmp`, () => {
    assert.ok(deployments.length >= 2);
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      assert.is(pod.automountServiceAccountToken, false, `${deployment.metadata.name}: no API token`);
      for (const container of pod.containers) {
        const where = `${deployment.metadata.name}/${container.name}`;
        const sc = { ...pod.securityContext, ...container.securityContext };
        assert.is(sc.runAsNonRoot, true, `${where}: runAsNonRoot`);
        assert.ok(typeof sc.runAsUser === 'number' && sc.runAsUser > 0, `${where}: a numeric non-root user (runAsNonRoot cannot check a named one)`);
        assert.is(container.securityContext?.readOnlyRootFilesystem, true, `${where}: readOnlyRootFilesystem`);
        assert.is(container.securityContext?.allowPrivilegeEscalation, false, `${where}: allowPrivilegeEscalation`);
        assert.equal(container.securityContext?.capabilities?.drop, ['ALL'], `${where}: drop ALL`);
        assert.not.ok(container.securityContext?.capabilities?.add?.length, `${where}: adds none`);
        assert.is(sc.seccompProfile?.type, 'RuntimeDefault', `${where}: seccomp`);
        const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
        assert.ok(tmp && pod.volumes?.find((v) => v.name === tmp.name)?.emptyDir, `${where}: /tmp is an emptyDir`);
        for (const kind of ['requests', 'limits'] as const) {
          assert.ok(container.resources?.[kind]?.cpu && container.resources[kind].memory, `${where}: ${kind} for cpu and memory`);
        }
      }
    }
  });

  test(`${name}: liveness probes /healthz and readiness probes /readyz on a declared port`, () => {
    const expectedPort = { ingress: 8000, worker: 9000 } as const;
    for (const wanted of ['ingress', 'worker'] as const) {
      const { container } = workload(objects, wanted);
      for (const [probe, pathWanted] of [[container.livenessProbe, '/healthz'], [container.readinessProbe, '/readyz']] as const) {
        const httpGet = probe?.httpGet;
        assert.is(httpGet?.path, pathWanted, `${wanted}: ${pathWanted}`);
        assert.is(httpGet && resolvePort(container, httpGet.port), expectedPort[wanted], `${wanted}: ${pathWanted} on ${expectedPort[wanted]}`);
      }
      if (container.startupProbe) assert.is(container.startupProbe.httpGet?.path, '/healthz');
    }
  });

  test(`${name}: Services reach the ingress on 8000 and every pod's metrics on 9000`, () => {
    const services = ofKind<K8sObject & { spec: { selector: Record<string, string>; ports: Array<{ name: string; port: number; targetPort: number | string }> } }>(objects, 'Service');
    const reaches = (port: number, wanted: 'ingress' | 'worker') => services.some((service) => {
      const { deployment, container } = workload(objects, wanted);
      if (!selects(service.spec.selector, deployment.spec.template.metadata.labels)) return false;
      return service.spec.ports.some((p) => p.port === port && resolvePort(container, p.targetPort) === port);
    });
    assert.ok(reaches(8000, 'ingress'), 'a Service sends port 8000 to the ingress');
    assert.ok(reaches(9000, 'ingress') && reaches(9000, 'worker'), 'a Service sends port 9000 to both roles');
    for (const deployment of deployments) {
      assert.ok(selects(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels), `${deployment.metadata.name}: the selector matches its pods`);
    }
  });

  test(`${name}: a PodDisruptionBudget covers each Deployment and keeps an ingress up`, () => {
    const budgets = ofKind<K8sObject & { spec: { selector: { matchLabels: Record<string, string> }; minAvailable?: number | string; maxUnavailable?: number | string } }>(objects, 'PodDisruptionBudget');
    for (const deployment of deployments) {
      const budget = budgets.find((b) => selects(b.spec.selector.matchLabels, deployment.spec.template.metadata.labels));
      assert.ok(budget, `${deployment.metadata.name} has a PodDisruptionBudget`);
      if (deployment.spec.template.spec.containers.some((c) => role(c) === 'ingress')) {
        const replicas = deployment.spec.replicas ?? 1;
        const keeps = typeof budget.spec.minAvailable === 'number' ? budget.spec.minAvailable : replicas - Number(budget.spec.maxUnavailable ?? replicas);
        assert.ok(keeps >= 1 && keeps < replicas, `the ingress budget keeps at least one pod and still lets a node drain (keeps ${keeps} of ${replicas})`);
      }
    }
  });

  test(`${name}: a ServiceMonitor scrapes /metrics on the metrics port`, () => {
    const monitors = ofKind<K8sObject & { spec: { selector: { matchLabels: Record<string, string> }; endpoints: Array<{ port?: string; path?: string }> } }>(objects, 'ServiceMonitor');
    assert.is(monitors.length, 1);
    const monitor = monitors[0]!;
    const services = ofKind<K8sObject & { spec: { ports: Array<{ name: string; port: number }> } }>(objects, 'Service')
      .filter((s) => selects(monitor.spec.selector.matchLabels, s.metadata.labels));
    assert.is(services.length, 1, 'it selects exactly the metrics Service');
    for (const endpoint of monitor.spec.endpoints) {
      assert.is(endpoint.path, '/metrics');
      assert.is(services[0]!.spec.ports.find((p) => p.name === endpoint.port)?.port, 9000);
    }
  });

  test(`${name}: KafkaTopics hold every topic of the worker's topology, with the right configs`, () => {
    const env = containerEnvironment(objects, workload(objects, 'worker').container);
    const config: Config = loadConfig(environmentFor(env, fakeKeyFile));
    const ttlMs = config.cache.ttlSeconds * 1000;
    const topology = buildAvailabilityTopology({
      topics: config.topics, ttlMs, applicationId: config.kafka.groupId, concurrency: 1, sourceTimeoutMs: 1, retry: {},
      services: { findApplications: async () => { throw new Error('not run'); }, checkApplications: async () => { throw new Error('not run'); } },
    });
    const byTopic = new Map(topics.map((t) => [t.spec.topicName ?? t.metadata.name, t]));
    const topicOf = (topicName: string) => {
      const topic = byTopic.get(topicName);
      assert.ok(topic, `a KafkaTopic for ${topicName}`);
      return topic;
    };
    for (const t of topics) {
      assert.is(t.apiVersion, KAFKA_TOPIC_API);
      assert.ok(t.spec, `${t.metadata.name}: spec (required by the released CRD)`);
      const replicas = t.spec.replicas ?? 1;
      assert.ok(Number(t.spec.config?.['min.insync.replicas'] ?? 1) <= replicas, `${t.metadata.name}: min.insync.replicas <= replicas`);
    }
    const clusters = new Set(topics.map((t) => t.metadata.labels?.['strimzi.io/cluster']));
    assert.is(clusters.size, 1, 'one strimzi.io/cluster label on every KafkaTopic');
    const cluster = [...clusters][0];
    assert.ok(cluster, 'the label is set');
    assert.ok(config.kafka.brokers?.split(',').every((b) => b.startsWith(`${cluster}-kafka-bootstrap`)), `KAFKA_BROKERS is ${cluster}'s bootstrap Service`);

    const inputs = topology.sources.map((s) => topicOf(s.topic));
    for (const sink of topology.sinks) topicOf(sink.topic);
    for (const name of [config.topics.status, config.topics.deadLetter]) topicOf(name);
    for (const input of inputs) {
      const retention = Number(input.spec.config?.['retention.ms']);
      assert.ok(retention >= 60_000 && retention <= 3_600_000, `${input.spec.topicName}: retention of minutes to an hour (${retention} ms)`);
      assert.ok(Number(input.spec.config?.['segment.ms']) <= retention, `${input.spec.topicName}: segments roll within the retention`);
      assert.is(input.spec.config?.['cleanup.policy'] ?? 'delete', 'delete');
    }
    assert.is(topology.stores.length, 1);
    const changelog = topicOf(topology.stores[0]!.changelogTopic);
    assert.is(changelog.spec.topicName, 'sources-availability-check-results-changelog');
    for (const [key, value] of Object.entries(changelogTopicConfig(ttlMs))) {
      assert.is(String(changelog.spec.config?.[key]), value, `changelog ${key} as the worker would create it`);
    }
    const partitions = new Set([...inputs, changelog].map((t) => t.spec.partitions));
    assert.is(partitions.size, 1, 'requests, priority and changelog are co-partitioned');
    const workerReplicas = workload(objects, 'worker').deployment.spec.replicas ?? 1;
    assert.ok(workerReplicas <= topicOf(config.topics.requests).spec.partitions!, `worker replicas (${workerReplicas}) <= partitions of the request topic`);
  });
}

test.run();
