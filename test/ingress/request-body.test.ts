import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HttpError } from '../../src/http/http-error.ts';
import { checkRequestBodySchema, sourceIdFromBody, sourceIdFromPath } from '../../src/ingress/request-body.ts';

const openapi = JSON.parse(readFileSync(new URL('../../src/ingress/openapi.json', import.meta.url), 'utf8'));

function status400(fn: () => unknown, detail: RegExp): void {
  try { fn(); } catch (err) {
    assert.instance(err, HttpError);
    assert.is((err as HttpError).status, 400);
    assert.match((err as Error).message, detail);
    return;
  }
  assert.unreachable('expected HttpError 400');
}

test('accepts digits and safe integers, returns canonical digits', () => {
  assert.is(sourceIdFromBody({ source_id: '463243' }), '463243');
  assert.is(sourceIdFromBody({ source_id: 463243 }), '463243');
  assert.is(sourceIdFromBody({ source_id: '00012', other: 1 }), '12');
  assert.is(sourceIdFromPath('0012'), '12');
});

test('rejects everything else with a clear detail', () => {
  status400(() => sourceIdFromBody(null), /JSON object/);
  status400(() => sourceIdFromBody([]), /JSON object/);
  status400(() => sourceIdFromBody({}), /source_id is required/);
  status400(() => sourceIdFromBody({ source_id: '' }), /positive integer/);
  status400(() => sourceIdFromBody({ source_id: '1e3' }), /positive integer/);
  status400(() => sourceIdFromBody({ source_id: 0 }), /positive integer/);
  status400(() => sourceIdFromBody({ source_id: '1', no_cache: false }), /recheck/);
  status400(() => sourceIdFromPath('1a'), /path/);
  status400(() => sourceIdFromPath('99999999999999999999'), /path/);
});

test('the OpenAPI document publishes exactly the schema the ingress validates with', () => {
  assert.equal(openapi.components.schemas.CheckRequestBody, JSON.parse(JSON.stringify(checkRequestBodySchema)));
});

test.run();
