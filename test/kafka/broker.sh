#!/usr/bin/env bash
# A single-node Apache Kafka (KRaft, combined broker+controller) for tests and local use.
# Jars come from Maven Central through test/kafka/pom.xml; nothing else is downloaded.
#
#   test/kafka/broker.sh jars    resolve and cache the broker jars (.cache/kafka/libs)
#   test/kafka/broker.sh up      format a fresh storage dir, start, wait until it answers metadata
#   test/kafka/broker.sh down    stop it (SIGTERM, then SIGKILL after a grace period); data is kept
#   test/kafka/broker.sh status  exit 0 when it is running
#   test/kafka/broker.sh stop-keep   same as down: stop it, keep its data (for start-keep)
#   test/kafka/broker.sh start-keep  start the broker formatted by an earlier `up`, on its data
#   test/kafka/broker.sh restart     stop-keep, then start-keep (topics and offsets survive)
#
# KAFKA_PORT (default 19092) is the client listener; the controller listens on KAFKA_PORT+1.
# Everything binds to 127.0.0.1. Broker state and logs go to .kafka/$KAFKA_PORT/ (broker.log).
#
# KAFKA_LISTENER=sasl_ssl makes the client listener SASL_SSL (SCRAM-SHA-256 and SCRAM-SHA-512)
# for tests of authenticated clients. `up` then makes a throwaway CA and a certificate for
# 127.0.0.1/localhost with openssl ($state/tls/ca.pem is the CA clients trust), and creates the
# SCRAM user KAFKA_SASL_TEST_USERNAME / KAFKA_SASL_TEST_PASSWORD (defaults below) at format
# time. The broker talks to itself on a plaintext listener on KAFKA_PORT+2 (also the one the
# start-up probe asks), never given to the service under test.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
libs="$root/.cache/kafka/libs"
port="${KAFKA_PORT:-19092}"
state="$root/.kafka/$port"
controller_port=$((port + 1))
pidfile="$state/broker.pid"
kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$root/test/kafka/pom.xml")
listener="${KAFKA_LISTENER:-plaintext}"
internal_port=$((port + 2))
sasl_username="${KAFKA_SASL_TEST_USERNAME:-availability-check}"
sasl_password="${KAFKA_SASL_TEST_PASSWORD:-test-only-scram-secret}"
tls="$state/tls"
case "$listener" in
  plaintext|sasl_ssl) ;;
  *) echo "KAFKA_LISTENER must be plaintext or sasl_ssl, got $listener" >&2; exit 2 ;;
esac

jars() {
  if [ -f "$libs/kafka_2.13-$kafka_version.jar" ]; then return 0; fi
  echo "resolving Apache Kafka $kafka_version broker jars with Maven..."
  rm -rf "$libs"
  mvn -q -B -f "$root/test/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$libs" -DincludeScope=runtime
}

# A CA and a broker certificate signed by it (valid for 127.0.0.1 and localhost), and the broker's
# PKCS12 keystore. Made afresh at every `up`: nothing secret outlives the test broker.
make_certificates() {
  rm -rf "$tls"
  mkdir -p "$tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=availability-check test CA" \
    -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$tls/broker.key" -out "$tls/broker.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > "$tls/broker.ext"
  openssl x509 -req -in "$tls/broker.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
    -days 2 -extfile "$tls/broker.ext" -out "$tls/broker.pem" 2>/dev/null
  openssl pkcs12 -export -in "$tls/broker.pem" -inkey "$tls/broker.key" -certfile "$tls/ca.pem" \
    -name broker -passout pass:test-only-keystore -out "$tls/broker.p12"
}

# The listener lines of server.properties for the chosen KAFKA_LISTENER.
listener_properties() {
  if [ "$listener" = plaintext ]; then
    cat <<PROPS
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
PROPS
    return
  fi
  cat <<PROPS
listeners=SASL_SSL://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port,INTERNAL://127.0.0.1:$internal_port
advertised.listeners=SASL_SSL://127.0.0.1:$port,INTERNAL://127.0.0.1:$internal_port
inter.broker.listener.name=INTERNAL
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PKCS12
ssl.keystore.location=$tls/broker.p12
ssl.keystore.password=test-only-keystore
ssl.client.auth=none
PROPS
}

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

up() {
  jars
  if running; then echo "kafka already running (pid $(cat "$pidfile")) on 127.0.0.1:$port"; return 0; fi
  rm -rf "$state/data"
  mkdir -p "$state/data"
  if [ "$listener" = sasl_ssl ]; then make_certificates; fi
  cat > "$state/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
controller.listener.names=CONTROLLER
$(listener_properties)
log.dirs=$state/data
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.segment.bytes=16777216
log.retention.check.interval.ms=30000
PROPS
  cat > "$state/log4j2.properties" <<PROPS
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
appender.file.type=File
appender.file.name=file
appender.file.fileName=$state/broker.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
logger.kafka.name=kafka
logger.kafka.level=WARN
logger.apache.name=org.apache.kafka
logger.apache.level=WARN
logger.state.name=state.change.logger
logger.state.level=WARN
PROPS
  local java_opts=(-Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$state/log4j2.properties" -cp "$libs/*")
  local cluster_id
  cluster_id=$(java "${java_opts[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
  local scram=()
  if [ "$listener" = sasl_ssl ]; then
    scram=(--add-scram "SCRAM-SHA-256=[name=$sasl_username,password=$sasl_password]"
      --add-scram "SCRAM-SHA-512=[name=$sasl_username,password=$sasl_password]")
  fi
  java "${java_opts[@]}" kafka.tools.StorageTool format -t "$cluster_id" \
    -c "$state/server.properties" "${scram[@]}" > "$state/format.log" 2>&1 \
    || { cat "$state/format.log"; exit 1; }
  start
}

# Starts the java process on the configured, formatted storage in $state and waits for it.
start() {
  local java_opts=(-Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$state/log4j2.properties" -cp "$libs/*")
  : > "$state/broker.log"
  nohup java "${java_opts[@]}" kafka.Kafka "$state/server.properties" \
    > "$state/broker.out" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  # a SASL_SSL broker is asked on its internal plaintext listener (the one it was formatted with)
  local probe_port=$port
  if grep -q '^listeners=SASL_SSL' "$state/server.properties"; then probe_port=$internal_port; fi
  if ! node "$root/test/kafka/wait-for-broker.mjs" "127.0.0.1:$probe_port" 60000; then
    echo "kafka did not answer; last broker log lines:" >&2
    tail -n 30 "$state/broker.log" "$state/broker.out" >&2 || true
    down
    exit 1
  fi
  echo "kafka $kafka_version up on 127.0.0.1:$port (pid $(cat "$pidfile"), log $state/broker.log)"
}

start_keep() {
  jars
  if running; then echo "kafka already running (pid $(cat "$pidfile")) on 127.0.0.1:$port"; return 0; fi
  if [ ! -f "$state/server.properties" ] || [ ! -f "$state/data/meta.properties" ]; then
    echo "no formatted broker data in $state: run \`up\` first" >&2
    exit 1
  fi
  start
}

down() {
  if ! running; then rm -f "$pidfile"; echo "kafka not running"; return 0; fi
  local pid; pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.5; fi
  rm -f "$pidfile"
  echo "kafka stopped"
}

case "${1:-}" in
  jars) jars ;;
  up) up ;;
  down|stop-keep) down ;;
  start-keep) start_keep ;;
  restart) down; start_keep ;;
  status) running ;;
  version) echo "$kafka_version" ;;
  *) echo "usage: $0 jars|up|down|stop-keep|start-keep|restart|status|version" >&2; exit 2 ;;
esac
