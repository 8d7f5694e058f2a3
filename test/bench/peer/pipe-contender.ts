// kafka-peer's contender for the bare node-rdkafka consume → produce pipe (bare-pipe.ts), until
// SIGTERM. Protocol: contender-env.ts (it runs no check).
import { startBarePipe } from '../bare-pipe.ts';
import { contenderEnv, say } from './contender-env.ts';

const env = contenderEnv();
const started = performance.now();
const pipe = await startBarePipe(env.PEER_BROKERS, [env.PEER_PRIORITY, env.PEER_REQUESTS], env.PEER_STATUS, env.PEER_GROUP);
const firstRecord = setInterval(() => {
  if (pipe.startedAt === 0) return;
  say(`first-record-ms ${pipe.startedAt - started}`);
  clearInterval(firstRecord);
}, 2);
const failed = setInterval(() => {
  if (!pipe.failure) return;
  say(`failed ${pipe.failure.message}`);
  process.exit(1);
}, 200);
process.once('SIGTERM', () => {
  clearInterval(firstRecord);
  clearInterval(failed);
  void pipe.stop().then(() => { say('checks 0'); process.exit(0); });
});
