// The manifest validator refuses what the API server would: wrong types, out-of-range values,
// unknown fields (strict field validation), kinds it has no schema for, invalid names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kafkaTopicCrd, servedSchema } from './strimzi-crd.ts';
import { ManifestValidator, strictStructural } from './validate.ts';

const KAFKA_TOPIC_API = 'kafka.strimzi.io/v1';
const validator = new ManifestValidator();
validator.addCustomResource(KAFKA_TOPIC_API, 'KafkaTopic', servedSchema(await kafkaTopicCrd(), KAFKA_TOPIC_API));
const topic = (spec: Record<string, unknown>) => ({ apiVersion: KAFKA_TOPIC_API, kind: 'KafkaTopic', metadata: { name: 't' }, spec });

test('core objects: a wrong type is refused', () => {
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 'two', selector: {}, template: {} } };
  assert.ok(validator.problems(deployment).some((p) => p.includes('replicas')), 'replicas must be an integer');
});

test('core objects and ServiceMonitors: an unknown field is refused, free-form maps are not', () => {
  const pod = { containers: [{ name: 'c', image: 'i', imagePullPolicyy: 'Always' }] };
  const misspelt = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', labels: { any: 'label' } }, spec: { selector: {}, template: { spec: pod } } };
  assert.equal(validator.problems(misspelt), ['Deployment/x: /spec/template/spec/containers/0/imagePullPolicyy is not a field of Deployment']);
  const monitor = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'm' }, spec: { selector: {}, endpoints: [{ port: 'metrics', pathh: '/metrics' }] } };
  assert.equal(validator.problems(monitor), ['ServiceMonitor/m: /spec/endpoints/0/pathh is not a field of ServiceMonitor']);
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { 'a/b': 'c' } }, data: { ANY_KEY: 'value' } };
  assert.equal(validator.problems(configMap), []);
});

test('KafkaTopic: valid against the Strimzi CRD; a bad value or an unknown field is refused', () => {
  assert.equal(validator.problems(topic({ partitions: 3, replicas: 1, config: { 'retention.ms': '1', 'any.config': 2 } })), []);
  assert.ok(validator.problems(topic({ partitions: 0 })).some((p) => p.includes('/spec/partitions')), 'partitions >= 1');
  assert.ok(validator.problems(topic({ partitons: 3 })).some((p) => p.includes('partitons')), 'an unknown field is refused');
});

test('a kind without a schema and an invalid name are refused', () => {
  assert.ok(validator.problems({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }).some((p) => p.includes('no schema')));
  assert.ok(validator.problems({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_A_Name' } }).some((p) => p.includes('DNS-1123')));
  assert.ok(validator.problems({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: '-bad' } } }).some((p) => p.includes('label')));
});

test('strictStructural closes declared objects except where unknown fields are preserved', () => {
  const schema = { type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'string' } } }, free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { c: {} } } }, required: ['a'] };
  assert.equal(strictStructural(schema), {
    type: 'object', additionalProperties: false, required: ['a'],
    properties: { a: { type: 'object', additionalProperties: false, properties: { b: { type: 'string' } } }, free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { c: {} } } },
  });
});

test.run();
