// Design notes kept outside the repository are not in a clone: a tracked file that points at one
// points at nothing. The facts the code relies on live in the README instead.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = path.resolve(import.meta.dirname, '..');
// Built from parts so this file does not match itself.
const outsideDocs = new RegExp(['DESIGN', 'CONTRACT', 'STYLE'].map((name) => `\\b${name}\\.md\\b`).join('|'));

test('no tracked file refers to design notes outside the repository', () => {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file !== '' && !file.startsWith('node_modules/'));
  assert.ok(files.length > 0, 'git ls-files lists the repository');
  const offenders = files.filter((file) => {
    let text: string;
    try {
      text = readFileSync(path.join(root, file), 'utf8');
    } catch {
      return false; // listed but deleted in the work tree
    }
    return outsideDocs.test(text);
  });
  assert.equal(offenders, []);
});

test('the README has the Sources contract sections the code points to', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  assert.match(readme, /^## The Sources contract$/m);
  for (const n of [1, 2, 3, 4, 5]) assert.match(readme, new RegExp(`^### §${n} `, 'm'));
});

test.run();
