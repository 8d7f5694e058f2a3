// A guard for tests that drive the real cloud SDKs: every outgoing TCP connection of the process
// must go to the loopback interface. An SDK that tried a real cloud, a metadata server
// (169.254.169.254) or an instance-discovery endpoint is refused and recorded, so the test fails
// even if the SDK swallowed the error.
import net from 'node:net';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export interface LoopbackGuard {
  /** hosts that something tried to reach */
  readonly refused: string[];
  uninstall(): void;
}

type Connect = (...args: unknown[]) => net.Socket;

function targetHost(args: unknown[]): string | undefined {
  // net.connect() passes its normalized [options, callback] array; direct calls pass options or (port, host).
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: string; path?: string };
    if (options.path) return undefined; // a Unix socket, not the network
    return options.host ?? 'localhost';
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined; // a Unix socket path
  return typeof args[1] === 'string' ? args[1] : 'localhost';
}

export function installLoopbackGuard(): LoopbackGuard {
  const prototype = net.Socket.prototype as unknown as { connect: Connect };
  const original = prototype.connect;
  const refused: string[] = [];
  prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const host = targetHost(args);
    if (host !== undefined && !LOOPBACK.has(host)) {
      refused.push(host);
      process.nextTick(() => this.destroy(new Error(`loopback guard: refused a connection to ${host}`)));
      return this;
    }
    return original.apply(this, args);
  };
  return { refused, uninstall: () => { prototype.connect = original; } };
}
