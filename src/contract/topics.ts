// The service's topic names, in one place. Defaults follow the platform's naming; each can be
// overridden through configuration (TOPIC_REQUESTS, TOPIC_PRIORITY, TOPIC_STATUS,
// TOPIC_DEAD_LETTER; see src/config).

export interface Topics {
  /** scheduled checks from Sources (key: source id) */
  requests: string;
  /** user-triggered, no-cache checks, consumed ahead of `requests` */
  priority: string;
  /** status messages to Sources (README: The Sources contract §3) */
  status: string;
  /** records the worker could not process */
  deadLetter: string;
}

export const DEFAULT_TOPICS: Readonly<Topics> = Object.freeze({
  requests: 'platform.provisioning.internal.availability-check',
  priority: 'platform.provisioning.internal.availability-check.priority',
  status: 'platform.sources.status',
  deadLetter: 'platform.provisioning.internal.availability-check.dlq',
});

// Kafka's own rule for topic names.
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** True when Kafka accepts `name` as a topic name (not `.` or `..`, legal characters, ≤ 249). */
export function isValidTopicName(name: string): boolean {
  return TOPIC_NAME.test(name) && name !== '.' && name !== '..';
}

/**
 * The defaults with `overrides` applied, frozen. Throws on an illegal name or when two roles
 * share a topic (a status message read back as a request would loop).
 * @example resolveTopics({ status: 'test.status' }).requests // the default request topic
 */
export function resolveTopics(overrides: Partial<Topics> = {}): Readonly<Topics> {
  const topics: Topics = { ...DEFAULT_TOPICS };
  for (const [role, name] of Object.entries(overrides) as Array<[keyof Topics, string | undefined]>) {
    if (name === undefined) continue;
    if (!isValidTopicName(name)) throw new Error(`topic name for ${role} is not a valid Kafka topic name: "${name}"`);
    topics[role] = name;
  }
  const names = Object.values(topics);
  if (new Set(names).size !== names.length) throw new Error(`topic names must differ: ${JSON.stringify(topics)}`);
  return Object.freeze(topics);
}
