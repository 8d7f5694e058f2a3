// Waits until a Kafka broker answers a Metadata request, speaking the wire protocol directly
// so that it works before `npm ci` (no dependencies). Usage: node wait-for-broker.mjs HOST:PORT [timeoutMs]
// Exit 0 when the broker listed itself in a Metadata response, 1 on timeout.
import net from 'node:net';

const [hostPort = '127.0.0.1:19092', timeoutArg = '60000'] = process.argv.slice(2);
const [host, portText] = hostPort.split(':');
const deadline = Date.now() + Number(timeoutArg);

function request(apiKey, apiVersion, correlationId, body) {
  const clientId = Buffer.from('wait-for-broker');
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  const payload = Buffer.concat([header, clientId, body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

function exchange(socket, frame) {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        socket.off('data', onData);
        resolve(buf.subarray(4, 4 + buf.readInt32BE(0)));
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(frame);
  });
}

async function probe() {
  const socket = net.connect(Number(portText), host);
  socket.setTimeout(3000, () => socket.destroy(new Error('timeout')));
  await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  try {
    // ApiVersions v0: every broker answers it; it tells which Metadata versions it accepts.
    const versions = await exchange(socket, request(18, 0, 1, Buffer.alloc(0)));
    if (versions.readInt16BE(4) !== 0) throw new Error(`ApiVersions error ${versions.readInt16BE(4)}`);
    const count = versions.readInt32BE(6);
    let metadataMax = -1; let metadataMin = -1;
    for (let i = 0; i < count; i++) {
      const at = 10 + i * 6;
      if (versions.readInt16BE(at) === 3) { metadataMin = versions.readInt16BE(at + 2); metadataMax = versions.readInt16BE(at + 4); }
    }
    const version = Math.max(metadataMin, 4);
    if (metadataMax < 4 || version > 8) throw new Error(`no usable Metadata version (${metadataMin}..${metadataMax})`);
    // Metadata v4..v8 (non-flexible): topics = null (all), allow_auto_topic_creation = false [, v8 flags].
    const body = Buffer.alloc(version >= 8 ? 7 : 5);
    body.writeInt32BE(-1, 0);
    const response = await exchange(socket, request(3, version, 2, body));
    const brokers = response.readInt32BE(8); // after correlation id and throttle_time_ms
    if (brokers < 1) throw new Error('no brokers in metadata yet');
    return brokers;
  } finally {
    socket.destroy();
  }
}

let lastError = '';
while (Date.now() < deadline) {
  try {
    const brokers = await probe();
    console.log(`broker at ${hostPort} answered metadata (${brokers} broker${brokers === 1 ? '' : 's'})`);
    process.exit(0);
  } catch (err) {
    lastError = err.message;
    await new Promise((r) => setTimeout(r, 250));
  }
}
console.error(`no metadata answer from ${hostPort}: ${lastError}`);
process.exit(1);
