// The README's configuration table is the schema's own rendering: docs cannot drift from code.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configTable } from '../src/config/index.ts';

const readme = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');

test('README configuration table equals configTable()', () => {
  const match = /<!-- config-table:start -->\n([\s\S]*?)<!-- config-table:end -->/.exec(readme);
  assert.ok(match, 'README has the config-table markers');
  assert.is(match[1], configTable());
});

test('the README quick start names the two commands', () => {
  assert.match(readme, /make run {4}# the whole flow/);
  assert.match(readme, /make test {3}# typecheck, lint/);
});

test.run();
