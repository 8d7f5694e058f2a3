// The image recipe (k8s/image/Containerfile) agrees with the manifests and the code: the user the
// pods run as, the ports they probe, the command they call, and a build context holding every
// file the served command imports. No image is built here (no container engine on the machine).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';

const root = path.resolve(import.meta.dirname, '../..');
const containerfile = readFileSync(path.join(root, 'k8s/image/Containerfile'), 'utf8');
const dockerignore = readFileSync(path.join(root, 'k8s/image/Containerfile.dockerignore'), 'utf8');
const bins = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin;

/** Instructions of the final stage, as [keyword, argument] pairs. */
function finalStage(): Array<[string, string]> {
  const instructions = containerfile.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages = instructions.map((l, i) => (/^FROM\s/i.test(l) ? i : -1)).filter((i) => i >= 0);
  return instructions.slice(stages.at(-1)).map((l) => {
    const [keyword, ...rest] = l.split(/\s+/);
    return [keyword!.toUpperCase(), rest.join(' ')];
  });
}

function podSpecs(): Array<{ securityContext?: { runAsUser?: number; runAsGroup?: number }; containers: Array<{ command?: string[]; ports?: Array<{ containerPort: number }> }> }> {
  return ['ingress', 'worker'].map((role) => {
    const [doc] = parseAllDocuments(readFileSync(path.join(root, `k8s/base/${role}-deployment.yaml`), 'utf8'));
    return (doc!.toJS() as { spec: { template: { spec: ReturnType<typeof podSpecs>[number] } } }).spec.template.spec;
  });
}

/** Files reached from `entry` through relative static and dynamic imports (skipping `skip`). */
function importClosure(entry: string, skip: (file: string) => boolean): Set<string> {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file) || skip(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      pending.push(path.resolve(path.dirname(file), match[1]!));
    }
  }
  return seen;
}

test('the image runs as the numeric user and group the pods require', () => {
  const user = finalStage().filter(([k]) => k === 'USER').at(-1)?.[1];
  assert.ok(user, 'the final stage sets USER');
  const [uid, gid] = user.split(':').map(Number);
  for (const pod of podSpecs()) {
    assert.is(pod.securityContext?.runAsUser, uid);
    assert.is(pod.securityContext?.runAsGroup, gid);
  }
  assert.ok(uid! > 0, 'not root');
});

test('the package bin is on PATH under the name the manifests call', () => {
  const [name, target] = Object.entries(bins)[0]!;
  const workdir = finalStage().filter(([k]) => k === 'WORKDIR').at(-1)?.[1];
  const link = finalStage().find(([k, arg]) => k === 'RUN' && arg.includes(`ln -s ${workdir}/${target.replace(/^\.\//, '')} /usr/local/bin/${name}`));
  assert.ok(link, `a link /usr/local/bin/${name} -> ${workdir}/${target}`);
  assert.match(finalStage().find(([k]) => k === 'ENTRYPOINT')?.[1] ?? '', `"${name}"`);
  for (const pod of podSpecs()) for (const c of pod.containers) assert.equal(c.command, [name]);
});

test('the image exposes the ports the pods declare', () => {
  const exposed = finalStage().filter(([k]) => k === 'EXPOSE').flatMap(([, arg]) => arg.split(/\s+/).map(Number));
  const declared = new Set(podSpecs().flatMap((p) => p.containers.flatMap((c) => (c.ports ?? []).map((port) => port.containerPort))));
  assert.equal([...declared].sort(), [...exposed].sort());
});

test('the build context and the COPY lines hold every file `serve` imports', () => {
  const copied = finalStage().filter(([k, arg]) => k === 'COPY' && !arg.startsWith('--from')).flatMap(([, arg]) => arg.split(/\s+/).slice(0, -1));
  const allowed = dockerignore.split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
  for (const entry of copied) assert.ok(allowed.includes(entry.replace(/\/$/, '')), `${entry} is in the build context (Containerfile.dockerignore)`);
  // `demo` starts the test emulators, which the image leaves out on purpose
  const files = importClosure(path.join(root, 'src/cli.ts'), (file) => file.endsWith(path.join('src/cli/demo-command.ts')));
  assert.ok(files.size > 20, 'the closure follows the imports');
  const outside = [...files].map((f) => path.relative(root, f).split(path.sep)[0]!).filter((top) => !copied.includes(top));
  assert.equal([...new Set(outside)], [], 'every imported file is copied into the image');
});

test.run();
