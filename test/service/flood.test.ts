// A flood of checks against a cloud that enforces its quota (20/s, burst 100, as AWS does):
// every request is answered and none is answered "unavailable" because of throttling. How many
// throttle replies came back and how fast the flood drained are timing, measured by `make bench`
// (test/bench/flood.bench.ts), not asserted here: on a loaded machine a throttle may come back,
// and then it must be retried, never answered.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FLOOD_SOURCES, runFlood } from '../support/flood.ts';

test(`${FLOOD_SOURCES} sources requested at once against a 20/s burst-100 STS: all answered, no throttle ever "unavailable"`, async () => {
  const { statuses, records, denied, calls } = await runFlood();
  assert.equal([...new Set(statuses)], [202], 'the ingress accepted every request (its per-org limit is raised for this test)');
  const values = records.map((r) => JSON.parse(r.value!.toString()) as { resource_id: string; status: string });
  assert.is(new Set(values.map((v) => v.resource_id)).size, FLOOD_SOURCES, 'one status per application');
  const unavailable = values.filter((v) => v.status === 'unavailable').map((v) => v.resource_id);
  assert.equal(unavailable.sort(), [...denied].sort(), 'only the denied roles are unavailable');
  assert.is(calls.byVerdict.ok + calls.byVerdict.denied, FLOOD_SOURCES, 'one definitive cloud call per source');
  assert.is(calls.total, FLOOD_SOURCES + calls.byVerdict.throttled, 'every other call was a throttle reply, retried');
});

test.run();
