// Renders a kustomization offline into plain objects. The renderer, in order: kubectl's built-in
// kustomize (kubectl >= 1.14; this machine's has kustomize v5.5); else a kustomize binary cached
// in .cache/bin; else that binary built once from the Go module proxy
// (`go install sigs.k8s.io/kustomize/kustomize/v5@v5.5.0`). No cluster is contacted.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const cacheBin = path.join(root, '.cache/bin');
export const KUSTOMIZE_MODULE = 'sigs.k8s.io/kustomize/kustomize/v5@v5.5.0';

/** A rendered object: what kubectl would send to the API server. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export interface Renderer {
  /** the command, for the test log */
  description: string;
  argv(dir: string): [string, string[]];
}

function answers(cmd: string, args: string[]): boolean {
  const result = spawnSync(cmd, args, { encoding: 'utf8', timeout: 15_000 });
  return result.status === 0;
}

function goBinary(): string | undefined {
  if (answers('go', ['version'])) return 'go';
  return ['/usr/local/go/bin/go', '/usr/lib/go/bin/go'].find((candidate) => existsSync(candidate));
}

/** Finds (or builds and caches) a kustomize renderer. */
export async function findRenderer(): Promise<Renderer> {
  if (answers('kubectl', ['kustomize', '--help'])) {
    return { description: 'kubectl kustomize', argv: (dir) => ['kubectl', ['kustomize', dir]] };
  }
  const cached = path.join(cacheBin, 'kustomize');
  if (!existsSync(cached)) {
    const go = goBinary();
    if (!go) throw new Error(`no renderer: neither kubectl nor go is installed (go builds ${KUSTOMIZE_MODULE} into .cache/bin)`);
    console.log(`building ${KUSTOMIZE_MODULE} into .cache/bin (once)`);
    await run(go, ['install', KUSTOMIZE_MODULE], { env: { ...process.env, GOBIN: cacheBin }, maxBuffer: 16 * 1024 * 1024 })
      .catch((err: Error & { stderr?: string }) => { throw new Error(`go install ${KUSTOMIZE_MODULE} failed: ${err.stderr ?? err.message}`); });
  }
  return { description: `${cached} build`, argv: (dir) => [cached, ['build', dir]] };
}

/** Renders `dir` (a directory with a kustomization.yaml) and parses every document. */
export async function renderKustomization(renderer: Renderer, dir: string): Promise<K8sObject[]> {
  const [cmd, args] = renderer.argv(dir);
  const { stdout } = await run(cmd, args, { maxBuffer: 16 * 1024 * 1024 })
    .catch((err: Error & { stderr?: string }) => { throw new Error(`${renderer.description} ${dir} failed: ${err.stderr ?? err.message}`); });
  return parseAllDocuments(stdout).map((doc, index) => {
    if (doc.errors.length > 0) throw new Error(`${dir}: document ${index} is not valid YAML: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as K8sObject | null;
    if (!value || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string' || typeof value.metadata?.name !== 'string') {
      throw new Error(`${dir}: document ${index} is not a Kubernetes object (apiVersion, kind, metadata.name)`);
    }
    return value;
  });
}
