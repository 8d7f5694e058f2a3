// Read-only views of rendered manifests for the invariants test: the Deployments' containers and
// the environment each container really gets (ConfigMap envFrom, literal env, Secret refs).
import type { K8sObject } from './kustomize.ts';

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; configMapKeyRef?: { name: string; key: string } };
}

export interface Probe { httpGet?: { path: string; port: number | string } }

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: SecurityContext;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}

export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}

export interface Volume {
  name: string;
  emptyDir?: Record<string, unknown>;
  secret?: { secretName: string; items?: Array<{ key: string; path: string }>; optional?: boolean };
}

export interface PodSpec {
  containers: Container[];
  volumes?: Volume[];
  securityContext?: SecurityContext;
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  terminationGracePeriodSeconds?: number;
}

export interface Deployment extends K8sObject {
  spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
}

/** Where a container's variable comes from. */
export type EnvSource =
  | { from: 'configmap'; configMap: string; value: string }
  | { from: 'literal'; value: string }
  | { from: 'secret'; secret: string; key: string };

export function ofKind<T extends K8sObject = K8sObject>(objects: K8sObject[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}

/** The one object of `kind` named `name`; throws when absent. */
export function named<T extends K8sObject = K8sObject>(objects: K8sObject[], kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} in the rendered manifests`);
  return found as T;
}

/**
 * The environment `container` starts with, as Kubernetes builds it: envFrom first (later sources
 * win), then env entries. A referenced ConfigMap must be among the rendered objects.
 */
export function containerEnvironment(objects: K8sObject[], container: Container): Map<string, EnvSource> {
  const env = new Map<string, EnvSource>();
  for (const from of container.envFrom ?? []) {
    if (from.secretRef) throw new Error(`${container.name}: envFrom secretRef ${from.secretRef.name} would hide which keys are secret; reference keys one by one`);
    if (!from.configMapRef) continue;
    const configMap = named<K8sObject & { data?: Record<string, string> }>(objects, 'ConfigMap', from.configMapRef.name);
    for (const [name, value] of Object.entries(configMap.data ?? {})) env.set(name, { from: 'configmap', configMap: configMap.metadata.name, value });
  }
  for (const entry of container.env ?? []) {
    const secretRef = entry.valueFrom?.secretKeyRef;
    const configMapRef = entry.valueFrom?.configMapKeyRef;
    if (secretRef) env.set(entry.name, { from: 'secret', secret: secretRef.name, key: secretRef.key });
    else if (configMapRef) {
      const configMap = named<K8sObject & { data?: Record<string, string> }>(objects, 'ConfigMap', configMapRef.name);
      env.set(entry.name, { from: 'configmap', configMap: configMapRef.name, value: configMap.data?.[configMapRef.key] ?? '' });
    } else env.set(entry.name, { from: 'literal', value: entry.value ?? '' });
  }
  return env;
}

/** The container port a probe or a Service targets, by number or by name. */
export function resolvePort(container: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return container.ports?.some((p) => p.containerPort === port) ? port : undefined;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** True when every label of `selector` is on `labels`. */
export function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}
