import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHECK_PATH, createCheckRoutes } from '../../src/ingress/check-routes.ts';

const routes = createCheckRoutes({
  publish: async () => {},
  limits: { bodyLimitBytes: 1024, orgRatePerSec: 1, orgBurst: 1, publishTimeoutMs: 100 },
});

test('match: the check route with or without a query or trailing slash', () => {
  assert.equal(routes.match(CHECK_PATH), { route: 'check' });
  assert.equal(routes.match(`${CHECK_PATH}/`), { route: 'check' });
  assert.equal(routes.match(`${CHECK_PATH}?x=1`), { route: 'check' });
});

test('match: the recheck route hands over the raw segment', () => {
  assert.equal(routes.match(`${CHECK_PATH}/42/recheck`), { route: 'recheck', sourceIdSegment: '42' });
  assert.equal(routes.match(`${CHECK_PATH}/%34%32/recheck?a=b`), { route: 'recheck', sourceIdSegment: '%34%32' });
});

test('match: anything else is not ours', () => {
  for (const url of ['/', `${CHECK_PATH}x`, `${CHECK_PATH}/42`, `${CHECK_PATH}/42/recheck/extra`, `${CHECK_PATH}//recheck`, '/api/provisioning/v1/availability_status/openapi.json']) {
    assert.is(routes.match(url), undefined, url);
  }
});

test.run();
