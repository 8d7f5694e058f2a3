// The Kafka Streams peer (test/bench/kstreams-peer/, Java): compiled with Maven into
// .cache/kstreams-peer on first use and again only when its pom or sources change (a stamp holds
// their digest), so a cached build needs neither Maven Central nor Maven.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..', '..');
const project = path.join(root, 'test', 'bench', 'kstreams-peer');
const cache = path.join(root, '.cache', 'kstreams-peer');
const stampFile = path.join(cache, 'stamp');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && (entry.name.endsWith('.java') || entry.name === 'pom.xml'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

function sourceDigest(): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles(project)) hash.update(path.relative(project, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/** Builds the peer unless the cached build is of the current sources; returns its class path. */
export async function ensureKstreamsPeer(): Promise<string> {
  const digest = sourceDigest();
  const built = existsSync(stampFile) && readFileSync(stampFile, 'utf8') === digest;
  if (!built) {
    console.log('   building the Kafka Streams peer with Maven (once; cached in .cache/kstreams-peer)...');
    rmSync(path.join(cache, 'libs'), { recursive: true, force: true });
    await run('mvn', ['-q', '-B', '-f', path.join(project, 'pom.xml'), 'clean', 'compile', 'dependency:copy-dependencies'], { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });
    writeFileSync(stampFile, digest);
  }
  return `${path.join(cache, 'build', 'classes')}${path.delimiter}${path.join(cache, 'libs', '*')}`;
}
