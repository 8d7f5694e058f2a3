// A start-up failure against Kafka names the variable and the addresses it tried: librdkafka's own
// text ("metadata connect: broker transport failure") names neither.

/**
 * @example throw kafkaStartError('the worker', config.kafka.brokers, err)
 *   // the worker could not start against KAFKA_BROKERS=127.0.0.1:1: metadata connect: broker transport failure
 */
export function kafkaStartError(what: string, brokers: string, err: unknown): Error {
  const reason = err instanceof Error ? err.message : String(err);
  return new Error(`${what} could not start against KAFKA_BROKERS=${brokers}: ${reason}`, { cause: err });
}
