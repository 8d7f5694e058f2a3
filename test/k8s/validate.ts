// Schema validation of rendered objects, offline: core kinds with kubernetes-models (the
// Kubernetes OpenAPI schemas compiled to validators), ServiceMonitor with the Prometheus Operator
// models, and custom resources against their CRD's openAPIV3Schema with ajv. Unknown fields are
// errors, as under kubectl's strict field validation. A kind without a schema here is an error,
// so a new manifest cannot slip through unvalidated.
import { Ajv, type ValidateFunction } from 'ajv';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import type { K8sObject } from './kustomize.ts';
import { unknownFields } from './unknown-fields.ts';

interface Validatable { validate(): void }
type ModelFactory = (data: K8sObject) => Validatable;

// Typed models take typed data; the rendered object is checked by the model, not by tsc.
const MODELS: ReadonlyMap<string, ModelFactory> = new Map<string, ModelFactory>([
  ['v1/ConfigMap', (data) => new ConfigMap(data as never)],
  ['v1/Secret', (data) => new Secret(data as never)],
  ['v1/Service', (data) => new Service(data as never)],
  ['v1/ServiceAccount', (data) => new ServiceAccount(data as never)],
  ['apps/v1/Deployment', (data) => new Deployment(data as never)],
  ['policy/v1/PodDisruptionBudget', (data) => new PodDisruptionBudget(data as never)],
  ['monitoring.coreos.com/v1/ServiceMonitor', (data) => new ServiceMonitor(data as never)],
]);

// metadata.name of namespaced objects: a DNS-1123 subdomain (the API server's own rule).
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Label values: at most 63 characters, alphanumeric at both ends.
const LABEL_VALUE = /^(?=.{0,63}$)([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/**
 * The API server prunes (or, with kubectl's default strict field validation, rejects) fields a
 * structural schema does not declare, unless x-kubernetes-preserve-unknown-fields says otherwise.
 * JSON Schema allows them, so close every declared object before ajv sees it.
 */
export function strictStructural(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictStructural);
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = key === 'enum' || key === 'required' ? value : strictStructural(value);
  if (copy.properties && copy['x-kubernetes-preserve-unknown-fields'] !== true && copy.additionalProperties === undefined) copy.additionalProperties = false;
  return copy;
}

export class ManifestValidator {
  // strictTypes off: Kubernetes' int-or-string fields put `pattern` beside an anyOf of integer and
  // string, which that schema-authoring check refuses; what validates is unchanged.
  readonly #ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  readonly #custom = new Map<string, ValidateFunction>();

  constructor() {
    // Kubernetes' vendor extensions carry no validation meaning for a single document.
    // OpenAPI's number formats as the API server applies them; date-time is left to it.
    this.#ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    this.#ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    this.#ajv.addFormat('date-time', true);
    for (const keyword of ['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-embedded-resource']) {
      this.#ajv.addKeyword(keyword);
    }
  }

  /** Validates objects of `apiVersion` + `kind` against a CRD version's openAPIV3Schema. */
  addCustomResource(apiVersion: string, kind: string, openAPIV3Schema: Record<string, unknown>): void {
    this.#custom.set(`${apiVersion}/${kind}`, this.#ajv.compile(strictStructural(openAPIV3Schema) as Record<string, unknown>));
  }

  /** Every problem of `object`, empty when it is valid. */
  problems(object: K8sObject): string[] {
    const id = `${object.apiVersion}/${object.kind}`;
    const where = `${object.kind}/${object.metadata.name}`;
    const problems: string[] = [];
    if (!DNS_SUBDOMAIN.test(object.metadata.name)) problems.push(`${where}: metadata.name is not a DNS-1123 subdomain`);
    for (const [key, value] of Object.entries(object.metadata.labels ?? {})) {
      if (typeof value !== 'string' || !LABEL_VALUE.test(value)) problems.push(`${where}: label ${key}=${String(value)} is not a valid label value`);
    }
    const model = MODELS.get(id);
    const custom = this.#custom.get(id);
    if (model) {
      const instance = model(object);
      try {
        instance.validate();
        for (const pointer of unknownFields(instance)) problems.push(`${where}: ${pointer} is not a field of ${object.kind}`);
      } catch (err) {
        problems.push(`${where}: ${(err as Error).message}`);
      }
    } else if (custom) {
      if (!custom(object)) {
        for (const error of custom.errors ?? []) problems.push(`${where}: ${error.instancePath || '/'} ${error.message}${error.params && 'additionalProperty' in error.params ? ` (${String(error.params.additionalProperty)})` : ''}`);
      }
    } else {
      problems.push(`${where}: no schema for ${id}; add one to test/k8s/validate.ts`);
    }
    return problems;
  }
}
