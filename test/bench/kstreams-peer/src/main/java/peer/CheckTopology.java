package peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The Kafka runtime's test topology (test/integration/runtime/fixtures/check-topology.ts, the
 * cached-check example) in Kafka Streams' DSL: requests and priority requests merged; a request
 * that is not JSON {"source_id": "<digits>", "no_cache"?: boolean} goes to the dead-letter topic
 * with the input's headers and the reason; a first-match split sends no-cache requests to the
 * check, replays a status found in the TTL table ({"source_id","status","via":"cache"}) and
 * checks the rest (ids divisible by 3 are unavailable), writing the result to the table before it
 * goes out. Headers pass through to the status topic, as in the fixture.
 *
 * The TTL table: an in-memory timestamped store (restored from its changelog on every start, as
 * the runtime's table is), value = the status as JSON text, the same bytes the runtime's table
 * writes to its changelog; an entry written at t is visible while now < t + ttl, and a wall-clock
 * punctuation removes expired entries every second (at most 10000 each time), like the runtime's
 * purge.
 */
public final class CheckTopology {
  public static final String STORE = "results";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  /** Checks that ran (the cached path runs none); the benchmark fails a run that has any. */
  public static final AtomicLong CHECKS = new AtomicLong();

  /** Called once, with the first record the topology sees. */
  public interface FirstRecord {
    void seen();
  }

  private CheckTopology() {}

  /** A decoded request, the status the table holds for it (null when none), or why it is bad. */
  static final class Request {
    final String sourceId;
    final boolean noCache;
    final String cachedStatus;
    final byte[] raw;
    final String error;

    private Request(String sourceId, boolean noCache, String cachedStatus, byte[] raw, String error) {
      this.sourceId = sourceId;
      this.noCache = noCache;
      this.cachedStatus = cachedStatus;
      this.raw = raw;
      this.error = error;
    }
  }

  public static Topology build(String requests, String priority, String status, String deadLetters, long ttlMs, FirstRecord first) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray()));
    Consumed<String, byte[]> consumed = Consumed.with(Serdes.String(), Serdes.ByteArray());
    Produced<String, byte[]> produced = Produced.with(Serdes.String(), Serdes.ByteArray());
    KStream<String, byte[]> merged = builder.stream(requests, consumed.withName("requests-source"))
        .merge(builder.stream(priority, consumed.withName("priority-source")), Named.as("merge-requests"));
    var routes = merged
        .processValues(() -> new DecodeAndLookup(ttlMs, first), Named.as("decode-and-lookup"), STORE)
        .split(Named.as("split-"))
        .branch((key, request) -> request.error != null, Branched.as("invalid"))
        .branch((key, request) -> request.noCache, Branched.as("no-cache"))
        .branch((key, request) -> request.cachedStatus != null, Branched.as("cached"))
        .defaultBranch(Branched.as("uncached"));
    routes.get("split-invalid").mapValues(request -> request.raw, Named.as("dead-letter-value")).to(deadLetters, produced);
    KStream<String, byte[]> replayed = routes.get("split-cached")
        .mapValues(request -> result(request.sourceId, request.cachedStatus, "cache"), Named.as("replay-cached"));
    KStream<String, byte[]> checked = routes.get("split-no-cache")
        .merge(routes.get("split-uncached"), Named.as("to-check"))
        .processValues(Check::new, Named.as("check"), STORE);
    replayed.merge(checked, Named.as("merge-results")).to(status, produced);
    return builder.build();
  }

  /** {"source_id":"…","status":"…","via":"…"}: ids are digits and statuses fixed words, nothing to escape. */
  static byte[] result(String sourceId, String status, String via) {
    return ("{\"source_id\":\"" + sourceId + "\",\"status\":\"" + status + "\",\"via\":\"" + via + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  static String expectedStatus(String sourceId) {
    return Long.parseLong(sourceId) % 3 == 0 ? "unavailable" : "available";
  }

  /** Decodes the request (dead-letter headers on failure) and looks its id up in the table. */
  static final class DecodeAndLookup implements FixedKeyProcessor<String, byte[], Request> {
    private final long ttlMs;
    private final FirstRecord first;
    private boolean seen;
    private FixedKeyProcessorContext<String, Request> context;
    private TimestampedKeyValueStore<String, byte[]> table;

    DecodeAndLookup(long ttlMs, FirstRecord first) {
      this.ttlMs = ttlMs;
      this.first = first;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Request> context) {
      this.context = context;
      this.table = context.getStateStore(STORE);
      context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, this::purgeExpired);
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
      if (!seen) {
        seen = true;
        first.seen();
      }
      Request request = decode(record.value());
      if (request.error != null) {
        addDeadLetterHeaders(record.headers(), request.error);
        context.forward(record.withValue(request));
        return;
      }
      String cached = null;
      if (!request.noCache) {
        ValueAndTimestamp<byte[]> entry = table.get(request.sourceId);
        if (entry != null && System.currentTimeMillis() < entry.timestamp() + ttlMs) cached = decodeStatus(entry.value());
      }
      context.forward(record.withValue(cached == null ? request : new Request(request.sourceId, false, cached, null, null)));
    }

    private void addDeadLetterHeaders(Headers headers, String reason) {
      var metadata = context.recordMetadata().orElseThrow();
      headers.add("dead-letter-code", bytes("RECORD_DECODE_FAILED"));
      headers.add("dead-letter-reason", bytes(reason));
      headers.add("dead-letter-node", bytes("requests-source"));
      headers.add("dead-letter-origin-topic", bytes(metadata.topic()));
      headers.add("dead-letter-origin-partition", bytes(String.valueOf(metadata.partition())));
      headers.add("dead-letter-origin-offset", bytes(String.valueOf(metadata.offset())));
    }

    private void purgeExpired(long now) {
      int removed = 0;
      try (KeyValueIterator<String, ValueAndTimestamp<byte[]>> all = table.all()) {
        while (all.hasNext() && removed < 10_000) {
          KeyValue<String, ValueAndTimestamp<byte[]>> entry = all.next();
          if (now >= entry.value.timestamp() + ttlMs) {
            table.delete(entry.key);
            removed++;
          }
        }
      }
    }
  }

  /** The check of the cached path's misses: a deterministic answer, remembered in the table. */
  static final class Check implements FixedKeyProcessor<String, Request, byte[]> {
    private FixedKeyProcessorContext<String, byte[]> context;
    private TimestampedKeyValueStore<String, byte[]> table;

    @Override
    public void init(FixedKeyProcessorContext<String, byte[]> context) {
      this.context = context;
      this.table = context.getStateStore(STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, Request> record) {
      CHECKS.incrementAndGet();
      String sourceId = record.value().sourceId;
      String status = expectedStatus(sourceId);
      table.put(sourceId, ValueAndTimestamp.make(bytes("\"" + status + "\""), System.currentTimeMillis()));
      context.forward(record.withValue(result(sourceId, status, "check")));
    }
  }

  static Request decode(byte[] value) {
    if (value == null) return invalid(null, "check-request: value is null");
    JsonNode node;
    try {
      node = JSON.readTree(value);
    } catch (Exception e) {
      return invalid(value, "check-request: not JSON (" + e.getMessage() + ")");
    }
    if (node == null || !node.isObject()) return invalid(value, "check-request: value must be object");
    JsonNode id = node.get("source_id");
    if (id == null) return invalid(value, "check-request: value must have required property 'source_id'");
    if (!id.isTextual() || !DIGITS.matcher(id.textValue()).matches()) return invalid(value, "check-request: value/source_id must be a string of digits");
    JsonNode noCache = node.get("no_cache");
    if (noCache != null && !noCache.isBoolean()) return invalid(value, "check-request: value/no_cache must be boolean");
    return new Request(id.textValue(), noCache != null && noCache.booleanValue(), null, value, null);
  }

  private static Request invalid(byte[] raw, String reason) {
    return new Request(null, false, null, raw, reason);
  }

  static String decodeStatus(byte[] bytes) {
    try {
      return JSON.readValue(bytes, String.class);
    } catch (Exception e) {
      throw new IllegalStateException("table value is not a JSON string", e);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
