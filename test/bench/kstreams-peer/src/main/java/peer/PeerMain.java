package peer;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * Runs CheckTopology until SIGTERM. Configured by the environment (PEER_BROKERS,
 * PEER_APPLICATION_ID, PEER_REQUESTS, PEER_PRIORITY, PEER_STATUS, PEER_DEAD_LETTERS, PEER_TTL_MS,
 * PEER_GUARANTEE = at_least_once | exactly_once_v2, PEER_STATE_DIR); everything else is Kafka
 * Streams' default. Tells the benchmark on stdout, one line each:
 *   "peer first-record-ms <ms>"  from start() to the first record processed (after the restore)
 *   "peer checks <n>"            at exit: checks that ran
 *   "peer failed <message>"      a stream thread died (the process then exits 1)
 */
public final class PeerMain {
  private PeerMain() {}

  public static void main(String[] args) throws InterruptedException {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, env("PEER_APPLICATION_ID"));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, env("PEER_BROKERS"));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, env("PEER_GUARANTEE"));
    props.put(StreamsConfig.STATE_DIR_CONFIG, env("PEER_STATE_DIR"));
    // a static member: the next start with this application id (the restore rounds) takes its
    // place at once, instead of waiting for a departed dynamic member's session to expire
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), env("PEER_APPLICATION_ID") + "-peer");
    long[] started = {System.nanoTime()};
    var topology = CheckTopology.build(env("PEER_REQUESTS"), env("PEER_PRIORITY"), env("PEER_STATUS"), env("PEER_DEAD_LETTERS"),
        Long.parseLong(env("PEER_TTL_MS")), () -> say("first-record-ms " + (System.nanoTime() - started[0]) / 1e6));
    KafkaStreams streams = new KafkaStreams(topology, props);
    CountDownLatch closed = new CountDownLatch(1);
    streams.setUncaughtExceptionHandler(error -> {
      say("failed " + error);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) closed.countDown();
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // leave the group (a static member is removed), so nothing is left waiting for it
      streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
      say("checks " + CheckTopology.CHECKS.get());
    }));
    started[0] = System.nanoTime();
    streams.start();
    closed.await();
    if (streams.state() == KafkaStreams.State.ERROR) System.exit(1);
  }

  private static synchronized void say(String line) {
    System.out.println("peer " + line);
    System.out.flush();
  }

  private static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isEmpty()) throw new IllegalArgumentException(name + " is not set");
    return value;
  }
}
