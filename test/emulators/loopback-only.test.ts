import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { installLoopbackGuard } from './loopback-only.ts';

/** A loopback port with nothing listening. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('refuses and records a connection off the loopback interface; allows 127.0.0.1', async () => {
  const guard = installLoopbackGuard();
  try {
    const failure = await fetch('http://169.254.169.254/latest/meta-data/').then(() => 'connected', (err: Error) => String((err.cause as Error | undefined)?.message ?? err.message));
    assert.match(failure, /loopback guard: refused a connection to 169\.254\.169\.254/);
    assert.equal(guard.refused, ['169.254.169.254']);
    const local = await fetch(`http://127.0.0.1:${await closedPort()}/`).then(() => 'connected', (err: Error) => String((err.cause as { code?: string } | undefined)?.code));
    assert.is(local, 'ECONNREFUSED', 'a loopback connection is attempted for real');
    assert.is(guard.refused.length, 1);
  } finally {
    guard.uninstall();
  }
});

test.run();
