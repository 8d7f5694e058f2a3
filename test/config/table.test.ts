import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configTable } from '../../src/config/table.ts';
import { CONFIG_VARIABLES } from '../../src/config/variables.ts';

test('one row per variable, in list order, after the header', () => {
  const lines = configTable().trimEnd().split('\n');
  assert.is(lines[0], '| variable | default | meaning |');
  assert.is(lines[1], '|---|---|---|');
  assert.equal(lines.slice(2).map((l) => /^\| `([A-Z0-9_]+)` \|/.exec(l)?.[1]), CONFIG_VARIABLES.map((v) => v.name));
});

test('defaults and unset are shown, secrets are marked', () => {
  const table = configTable();
  assert.match(table, '| `PORT` | `8000` | ingress HTTP port |');
  assert.match(table, /\| `KAFKA_BROKERS` \| unset \| .*embedded/);
  assert.match(table, /\| `AWS_SECRET_ACCESS_KEY` \| unset \| .*\(secret\) \|/);
  assert.match(table, '| `CACHE_TTL_SECONDS` | `3600` |');
  for (const name of ['AWS_BURST', 'AZURE_RATE_PER_SEC', 'GCP_BURST', 'INGRESS_ORG_BURST', 'LOG_LEVEL']) assert.match(table, `\`${name}\``);
});

test.run();
