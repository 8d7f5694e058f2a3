// The ClowdApp CustomResourceDefinition as the Clowder project publishes it: the CRD YAML its
// operator installs, taken from the published Go module of github.com/RedHatInsights/clowder
// (through the Go module proxy, the zip checked against a pinned sha256) and cached under
// .cache/clowder/. Later runs are offline.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { cachedCrd, type CustomResourceDefinition } from './strimzi-crd.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

/** The Clowder release the schema comes from, and the sha256 of its module zip. */
export const CLOWDER_VERSION = 'v0.101.0';
const MODULE_ZIP_SHA256 = 'f241916a0f86de75fd4c9ac4fba75b83d48da8e1b3f08a06f7e1cf378b8947dd';
const MODULE = 'github.com/RedHatInsights/clowder';
const CRD_PATH = 'config/crd/bases/cloud.redhat.com_clowdapps.yaml';

/** The first proxy of GOPROXY (Go's default when unset); module paths escape capitals as !x. */
function moduleZipUrl(): string {
  const proxy = (process.env.GOPROXY ?? 'https://proxy.golang.org').split(/[,|]/)[0]!.replace(/\/+$/, '');
  const escaped = MODULE.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
  return `${proxy}/${escaped}/@v/${CLOWDER_VERSION}.zip`;
}

async function download(dir: string, target: string): Promise<void> {
  const url = moduleZipUrl();
  console.log(`fetching ${MODULE}@${CLOWDER_VERSION} from the Go module proxy for the ClowdApp CRD (once)`);
  const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const zip = Buffer.from(await response.arrayBuffer());
  const digest = createHash('sha256').update(zip).digest('hex');
  if (digest !== MODULE_ZIP_SHA256) throw new Error(`${url}: sha256 ${digest}, pinned ${MODULE_ZIP_SHA256}`);
  const zipFile = path.join(dir, `clowder-${CLOWDER_VERSION}.zip`);
  writeFileSync(zipFile, zip);
  const { stdout } = await run('unzip', ['-p', zipFile, `${MODULE}@${CLOWDER_VERSION}/${CRD_PATH}`], { maxBuffer: 16 * 1024 * 1024 })
    .catch((err: Error) => { throw new Error(`unzip could not read ${CRD_PATH} from ${zipFile}: ${err.message}`); });
  const partial = `${target}.${process.pid}.tmp`;
  writeFileSync(partial, stdout);
  renameSync(partial, target);
}

/** The ClowdApp CRD of CLOWDER_VERSION, fetched on first use. */
export async function clowdAppCrd(): Promise<CustomResourceDefinition> {
  return cachedCrd('ClowdApp', path.join(root, '.cache/clowder', CLOWDER_VERSION, 'cloud.redhat.com_clowdapps.yaml'), download);
}
