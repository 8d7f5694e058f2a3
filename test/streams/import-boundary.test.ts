// The streams engine (src/streams) knows nothing of the availability application: every import of
// a file under src/streams resolves to another file under src/streams, a Node builtin (`node:…`)
// or an npm package. The application imports the engine, never the other way round.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = path.resolve(import.meta.dirname, '../..');
const engine = path.join(root, 'src/streams');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|js|mjs|cjs)$/.test(entry.name) ? [full] : [];
  });
}

/** Every module specifier a file names: static imports and re-exports, `import()`, `require()`. */
function specifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** The imports of `file` (its text given) that leave `boundary`, as "file: specifier" lines. */
function leaks(file: string, text: string, boundary: string): string[] {
  return specifiers(text).flatMap((specifier) => {
    if (specifier.startsWith('node:')) return [];
    // a bare name is an npm package; anything path-like is resolved and must stay inside
    const pathLike = specifier.startsWith('.') || path.isAbsolute(specifier) || specifier.startsWith('file:');
    if (!pathLike) return [];
    const target = specifier.startsWith('file:') ? new URL(specifier).pathname : path.resolve(path.dirname(file), specifier);
    const inside = target.startsWith(boundary + path.sep);
    return inside ? [] : [`${path.relative(root, file)}: ${specifier}`];
  });
}

test('the scanner sees every kind of import that leaves the engine', () => {
  const file = path.join(engine, 'task/example.ts');
  const text = [
    "import { a } from '../dsl/errors.ts';",
    "import type { B } from '../../domain/types.ts';",
    "export { c } from '../../../topology/index.ts';",
    "import '../../service/logger.ts';",
    "const d = await import('../../worker/services.ts');",
    "import fs from 'node:fs';",
    "import express from 'express';",
  ].join('\n');
  assert.equal(leaks(file, text, engine), [
    'src/streams/task/example.ts: ../../domain/types.ts',
    'src/streams/task/example.ts: ../../../topology/index.ts',
    'src/streams/task/example.ts: ../../service/logger.ts',
    'src/streams/task/example.ts: ../../worker/services.ts',
  ]);
});

test('no file of src/streams imports anything of the application', () => {
  const files = sourceFiles(engine);
  assert.ok(files.length > 50, `expected the engine's files, found ${files.length}`);
  const found = files.flatMap((file) => leaks(file, readFileSync(file, 'utf8'), engine));
  assert.equal(found, [], `the engine must not import the application:\n${found.join('\n')}`);
});

test.run();
