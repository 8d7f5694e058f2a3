// The worker's log lines that close a request's story, carrying the ingress's request id: one per
// status message produced, one per record dead-lettered. Fields are chosen, never copied from a
// record: the headers carry x-rh-identity, so no header is ever logged.
import type { InputRecord, OutputEvent, TopologyObserver } from '../streams/task/index.ts';
import type { Logger } from './logger.ts';

/** The ingress's request id in a check-request record, if it carries one. */
export function requestIdOf(input: InputRecord): string | undefined {
  if (input.value === null) return undefined;
  try {
    const value = JSON.parse(input.value.toString()) as { request_id?: unknown };
    return typeof value.request_id === 'string' ? value.request_id : undefined;
  } catch {
    return undefined;
  }
}

function statusOf(event: OutputEvent): string | undefined {
  try {
    const value = JSON.parse(event.record.value?.toString() ?? 'null') as { status?: unknown } | null;
    return typeof value?.status === 'string' ? value.status : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Logs every status message and dead letter the topology writes; returns the function that stops.
 * @example const stop = logOutputs(runtime.observer, logger, config.topics);
 */
export function logOutputs(observer: TopologyObserver, logger: Logger, topics: { status: string; deadLetter: string }): () => void {
  return observer.onOutput((event) => {
    const { record, input } = event;
    const requestId = requestIdOf(input);
    if (record.topic === topics.status) {
      logger.info({ requestId, sourceId: input.key, applicationId: record.key, status: statusOf(event) }, 'status produced');
    } else if (event.error) {
      logger.warn({ requestId, sourceId: input.key, code: event.error.code, node: event.error.node, topic: input.topic, partition: input.partition, offset: input.offset }, 'record dead-lettered');
    }
  });
}
