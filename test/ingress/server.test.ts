import { connect } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createIngressApp } from '../../src/ingress/app.ts';
import { listenIngress } from '../../src/ingress/server.ts';

const app = createIngressApp({
  publish: async () => {},
  limits: { bodyLimitBytes: 1024, orgRatePerSec: 100, orgBurst: 100, publishTimeoutMs: 100 },
});

test('listens on 127.0.0.1 with an ephemeral port and closes', async () => {
  const ingress = await listenIngress(app, { host: '127.0.0.1', port: 0 });
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
  const ingress = await listenIngress(app, { host: '127.0.0.1', port: 0, requestTimeoutMs: 300 });
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
    assert.ok(Date.now() - started < 3000);
  } finally {
    await ingress.close();
  }
});

test('a client that never finishes its body is cut off too', async () => {
  const ingress = await listenIngress(app, { host: '127.0.0.1', port: 0, requestTimeoutMs: 300 });
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
  const first = await listenIngress(app, { host: '127.0.0.1', port: 0 });
  try {
    await listenIngress(app, { host: '127.0.0.1', port: first.port }).then(
      () => assert.unreachable('listened twice'),
      (err: NodeJS.ErrnoException) => assert.is(err.code, 'EADDRINUSE'),
    );
  } finally {
    await first.close();
  }
});

test.run();
