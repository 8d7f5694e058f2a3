// Every error with a stable code, the engine's and the application's, extends the engine's one
// base: `code` is the code it was given, `name` the concrete class's, `cause` is kept.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidAccountRefError } from '../src/checks/types.ts';
import { ConfigError } from '../src/config/errors.ts';
import { ContractError } from '../src/contract/errors.ts';
import { RequestBudgetSpentError, TransientCheckError } from '../src/ports/index.ts';
import { InvalidSourceIdError, SourcesUnavailableError } from '../src/sources/errors.ts';
import { CodedError } from '../src/streams/coded-error.ts';
import { DiagramError } from '../src/streams/diagram/errors.ts';
import { RecordError, StreamsError, TopologyException } from '../src/streams/dsl/errors.ts';
import { LogError } from '../src/streams/embedded/errors.ts';
import { KafkaRuntimeError } from '../src/streams/kafka/errors.ts';
import { StoreError } from '../src/streams/store/errors.ts';
import { TaskError } from '../src/streams/task/errors.ts';

test('each coded error extends CodedError and keeps its code, class name and cause', () => {
  const cause = new Error('inner');
  const cases: Array<[CodedError, string, string]> = [
    [new TopologyException('TOPOLOGY_MISSING_NAME', 'm', { cause }), 'TOPOLOGY_MISSING_NAME', 'TopologyException'],
    [new RecordError('RECORD_DECODE_FAILED', 'node', 'm', { cause }), 'RECORD_DECODE_FAILED', 'RecordError'],
    [new TaskError('TASK_CLOSED', 'm', { cause }), 'TASK_CLOSED', 'TaskError'],
    [new LogError('LOG_UNKNOWN_TOPIC', 'm', { cause }), 'LOG_UNKNOWN_TOPIC', 'LogError'],
    [new StoreError('STORE_INVALID_KEY', 'm', { cause }), 'STORE_INVALID_KEY', 'StoreError'],
    [new DiagramError('DIAGRAM_PARSE', 'm', { line: 3, cause }), 'DIAGRAM_PARSE', 'DiagramError'],
    [new KafkaRuntimeError('KAFKA_NOT_RUNNING', 'm', { cause }), 'KAFKA_NOT_RUNNING', 'KafkaRuntimeError'],
    [new ContractError('IDENTITY_MISSING', 'm', { cause }), 'IDENTITY_MISSING', 'ContractError'],
    [new SourcesUnavailableError('m', { cause }), 'SOURCES_UNAVAILABLE', 'SourcesUnavailableError'],
    [new RequestBudgetSpentError('m', { cause }), 'CHECK_BUDGET_SPENT', 'RequestBudgetSpentError'],
  ];
  for (const [error, code, name] of cases) {
    assert.instance(error, CodedError, name);
    assert.instance(error, Error, name);
    assert.is(error.code, code, name);
    assert.is(error.name, name);
    assert.is(error.cause, cause, name);
  }
  assert.instance(new TaskError('TASK_FAILED', 'm'), StreamsError);
});

test('errors without a cause argument still carry their code and name', () => {
  const cases: Array<[CodedError, string, string]> = [
    [new ConfigError([{ variable: 'PORT', message: 'PORT is bad' }]), 'CONFIG_INVALID', 'ConfigError'],
    [new TransientCheckError('1', 'throttled'), 'CHECK_TRANSIENT', 'TransientCheckError'],
    [new InvalidSourceIdError('x'), 'SOURCES_INVALID_SOURCE_ID', 'InvalidSourceIdError'],
    [new InvalidAccountRefError('aws', 'x', 'an ARN'), 'INVALID_ACCOUNT_REF', 'InvalidAccountRefError'],
  ];
  for (const [error, code, name] of cases) {
    assert.instance(error, CodedError, name);
    assert.is(error.code, code, name);
    assert.is(error.name, name);
  }
  assert.is(new DiagramError('DIAGRAM_PARSE', 'bad arrow', { line: 3 }).message, 'line 3: bad arrow');
});

test.run();
