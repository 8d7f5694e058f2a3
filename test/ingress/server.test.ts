import { connect, type Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createIngress, createIngressApp } from '../../src/ingress/app.ts';
import { listenHttp } from '../../src/http/listen.ts';

const app = createIngressApp({
  publish: async () => {},
  limits: { bodyLimitBytes: 1024, orgRatePerSec: 100, orgBurst: 100, publishTimeoutMs: 100 },
});

test('listens on 127.0.0.1 with an ephemeral port and closes', async () => {
  const ingress = await listenHttp(app, { host: '127.0.0.1', port: 0 });
  try {
    assert.ok(ingress.port > 0);
    assert.is(ingress.url, `http://127.0.0.1:${ingress.port}`);
    const res = await fetch(`${ingress.url}/healthz`);
    assert.is(res.status, 200);
    assert.equal(await res.json(), { status: 'ok' });
  } finally {
    await ingress.close();
  }
  await ingress.close(); // a second close is harmless
  await fetch(`${ingress.url}/healthz`).then(
    () => assert.unreachable('still listening'),
    (err: Error) => assert.instance(err, TypeError),
  );
});

test('a client that never finishes its headers is cut off after the request timeout', async () => {
  const ingress = await listenHttp(app, { host: '127.0.0.1', port: 0, requestTimeoutMs: 300 });
  try {
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(ingress.port, '127.0.0.1', () => {
        // headers never finished
        socket.write('POST /api/provisioning/v1/availability_status/sources HTTP/1.1\r\nHost: x\r\nContent-Le');
      });
      let data = '';
      socket.on('data', (chunk) => { data += chunk; });
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
      setTimeout(() => { socket.destroy(); reject(new Error('not cut off within 5 s')); }, 5000);
    });
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.match(answer, /\r\n\r\n\{"errors":\[\{"status":"408","detail":"[^"]+"\}\]\}$/);
    assert.ok(Date.now() - started < 3000);
  } finally {
    await ingress.close();
  }
});

test('a client that never finishes its body is cut off too', async () => {
  const ingress = await listenHttp(app, { host: '127.0.0.1', port: 0, requestTimeoutMs: 300 });
  const identity = Buffer.from('{"identity":{"org_id":"1"}}').toString('base64');
  try {
    const closed = await new Promise<boolean>((resolve, reject) => {
      const socket = connect(ingress.port, '127.0.0.1', () => {
        socket.write(`POST /api/provisioning/v1/availability_status/sources HTTP/1.1\r\nHost: x\r\nx-rh-identity: ${identity}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"sou`);
      });
      socket.resume(); // read (and drop) the 408 so 'close' can fire
      socket.on('close', () => resolve(true));
      socket.on('error', reject);
      setTimeout(() => { socket.destroy(); reject(new Error('not cut off within 5 s')); }, 5000);
    });
    assert.ok(closed);
  } finally {
    await ingress.close();
  }
});

test('a port in use is an error, not a hang', async () => {
  const first = await listenHttp(app, { host: '127.0.0.1', port: 0 });
  try {
    await listenHttp(app, { host: '127.0.0.1', port: first.port }).then(
      () => assert.unreachable('listened twice'),
      (err: NodeJS.ErrnoException) => assert.is(err.code, 'EADDRINUSE'),
    );
  } finally {
    await first.close();
  }
});

/** A raw keep-alive connection that reads one whole answer at a time. */
function openConnection(port: number): Promise<{ socket: Socket; send(request: string): Promise<string>; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve({ socket, send, closed }));
    socket.once('error', reject);
    let buffered = '';
    let waiter: ((answer: string) => void) | undefined;
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0 || waiter === undefined) return;
      const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      const answer = buffered.slice(0, end + 4 + length);
      buffered = buffered.slice(end + 4 + length);
      const w = waiter;
      waiter = undefined;
      w(answer);
    });
    function send(request: string): Promise<string> {
      return new Promise((done) => {
        waiter = done;
        socket.write(request);
      });
    }
  });
}

test('close(): idle connections and new ones go at once; a request arriving on an open connection gets 503 + Connection: close; the answer in flight is written and closes its connection', async () => {
  let release!: () => void;
  const publishing = new Promise<void>((resolve) => { release = resolve; });
  const published: string[] = [];
  const { listener } = createIngress({
    publish: async (_topic, record) => { await publishing; published.push(String(record.key)); },
    limits: { bodyLimitBytes: 1024, orgRatePerSec: 100, orgBurst: 100, publishTimeoutMs: 5000 },
  });
  const ingress = await listenHttp(listener, { host: '127.0.0.1', port: 0, name: 'the ingress' });
  const identity = Buffer.from('{"identity":{"org_id":"1"}}').toString('base64');
  const idle = await openConnection(ingress.port);
  assert.match(await idle.send('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'), /^HTTP\/1\.1 200/);
  const busy = await openConnection(ingress.port);
  const inFlight = busy.send(`POST /api/provisioning/v1/availability_status/sources/7/recheck HTTP/1.1\r\nHost: x\r\nx-rh-identity: ${identity}\r\n\r\n`);
  const arriving = await openConnection(ingress.port);
  arriving.socket.write('GET /healthz HTTP/1.1\r\n'); // a request on its way when the stop comes
  await new Promise((r) => setTimeout(r, 50));

  const started = Date.now();
  const closing = ingress.close(3000);
  assert.is(ingress.closing, true);
  await idle.closed;
  await fetch(`${ingress.url}/healthz`).then(() => assert.unreachable('a new connection was accepted'), (err: Error) => assert.instance(err, TypeError));
  const refused = await arriving.send('Host: x\r\n\r\n');
  assert.match(refused, /^HTTP\/1\.1 503/);
  assert.match(refused, /connection: close/i);
  assert.match(refused, /\{"errors":\[\{"status":"503","detail":"the ingress is stopping[^"]*"\}\]\}$/);
  await arriving.closed;

  release();
  const answer = await inFlight;
  assert.match(answer, /^HTTP\/1\.1 202/);
  assert.match(answer, /connection: close/i);
  assert.equal(published, ['7']);
  await busy.closed;
  await closing;
  assert.ok(Date.now() - started < 3000, 'closed before the grace ended');
});

test('close(): a connection still busy when the grace ends is cut', async () => {
  const { listener } = createIngress({
    publish: () => new Promise<void>(() => {}),
    limits: { bodyLimitBytes: 1024, orgRatePerSec: 100, orgBurst: 100, publishTimeoutMs: 60_000 },
  });
  const ingress = await listenHttp(listener, { host: '127.0.0.1', port: 0, name: 'the ingress' });
  const identity = Buffer.from('{"identity":{"org_id":"1"}}').toString('base64');
  const busy = await openConnection(ingress.port);
  void busy.send(`POST /api/provisioning/v1/availability_status/sources/7/recheck HTTP/1.1\r\nHost: x\r\nx-rh-identity: ${identity}\r\n\r\n`);
  await new Promise((r) => setTimeout(r, 50));
  const started = Date.now();
  await ingress.close(300);
  await busy.closed;
  assert.ok(Date.now() - started < 2000);
});

test.run();
