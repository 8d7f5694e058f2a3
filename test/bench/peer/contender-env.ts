// What every contender of kafka-peer is told, by environment variables (the Java peer reads the
// same ones: test/bench/kstreams-peer/.../PeerMain.java), and how it answers: one line on stdout
// per event, "peer first-record-ms <ms>" (from start to the first record processed), "peer checks
// <n>" (at exit), "peer failed <message>". SIGTERM stops a contender.
export interface ContenderEnv {
  PEER_BROKERS: string;
  /** the Kafka Streams application id; for the runtime the topology's (names the changelog) */
  PEER_APPLICATION_ID: string;
  /** the consumer group of the Node contenders (the Java peer's is its application id) */
  PEER_GROUP: string;
  PEER_REQUESTS: string;
  PEER_PRIORITY: string;
  PEER_STATUS: string;
  PEER_DEAD_LETTERS: string;
  PEER_TTL_MS: string;
  PEER_GUARANTEE: 'at_least_once' | 'exactly_once_v2';
  PEER_STATE_DIR: string;
}

export function contenderEnv(): ContenderEnv {
  const read = (name: keyof ContenderEnv): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set (contenders are started by kafka-peer.bench.ts)`);
    return value;
  };
  return {
    PEER_BROKERS: read('PEER_BROKERS'), PEER_APPLICATION_ID: read('PEER_APPLICATION_ID'), PEER_GROUP: read('PEER_GROUP'),
    PEER_REQUESTS: read('PEER_REQUESTS'), PEER_PRIORITY: read('PEER_PRIORITY'), PEER_STATUS: read('PEER_STATUS'),
    PEER_DEAD_LETTERS: read('PEER_DEAD_LETTERS'), PEER_TTL_MS: read('PEER_TTL_MS'),
    PEER_GUARANTEE: read('PEER_GUARANTEE') as ContenderEnv['PEER_GUARANTEE'], PEER_STATE_DIR: read('PEER_STATE_DIR'),
  };
}

export function say(line: string): void {
  process.stdout.write(`peer ${line}\n`);
}
