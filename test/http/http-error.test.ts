import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ContractError } from '../../src/contract/errors.ts';
import { errorBody, HttpError, toHttpError } from '../../src/http/http-error.ts';

test('errorBody is Sources\' shape with a string status', () => {
  assert.equal(errorBody(404, 'source not found'), { errors: [{ status: '404', detail: 'source not found' }] });
});

test('maps our errors, contract errors and body-parser errors', () => {
  const own = new HttpError(429, 'slow down', { 'Retry-After': '3' });
  assert.is(toHttpError(own), own);
  const contract = toHttpError(new ContractError('IDENTITY_MISSING', 'x-rh-identity header is required'));
  assert.equal([contract.status, contract.message], [401, 'x-rh-identity header is required']);
  assert.equal([toHttpError({ type: 'entity.too.large', limit: 10 }).status, toHttpError({ type: 'entity.too.large', limit: 10 }).message], [413, 'request body is larger than 10 bytes']);
  assert.is(toHttpError({ type: 'entity.parse.failed', status: 400 }).status, 400);
  assert.is(toHttpError({ type: 'charset.unsupported', charset: 'latin1' }).status, 415);
  assert.is(toHttpError({ type: 'encoding.unsupported', encoding: 'br' }).status, 415);
  assert.is(toHttpError({ type: 'request.aborted' }).status, 400);
});

test('other 4xx keep an exposed message; everything else is a bare 500', () => {
  const exposed = Object.assign(new Error('Failed to decode param'), { status: 400, expose: true });
  assert.equal([toHttpError(exposed).status, toHttpError(exposed).message], [400, 'Failed to decode param']);
  const hidden = Object.assign(new Error('secret internals'), { status: 404, expose: false });
  assert.is(toHttpError(hidden).message, 'bad request');
  const crash = toHttpError(new TypeError('cannot read x of undefined at /srv/app.ts:12'));
  assert.equal([crash.status, crash.message], [500, 'internal error']);
  assert.is(toHttpError('a string').status, 500);
  assert.is(toHttpError(null).status, 500);
});

test.run();
