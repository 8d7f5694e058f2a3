// Fields the schema does not know. kubernetes-models' validators (ajv code compiled from the
// Kubernetes OpenAPI schemas) accept unknown properties, as JSON Schema does, while the API server
// rejects them under kubectl's default strict field validation, so a misspelt field would pass the
// test and fail the deploy. The compiled validators read every property their schema declares and
// enumerate the keys of free-form maps (labels, data); so running one over a proxy that records
// those reads shows which properties no schema looked at: the unknown ones.

interface Reads { keys: Set<PropertyKey>; enumerated: boolean }

class ReadTracker {
  readonly #reads = new WeakMap<object, Reads>();
  readonly #proxies = new WeakMap<object, object>();

  #readsOf(target: object): Reads {
    let reads = this.#reads.get(target);
    if (!reads) this.#reads.set(target, reads = { keys: new Set(), enumerated: false });
    return reads;
  }

  /** `value`, wrapped so that every read below it is recorded. */
  wrap<T>(value: T): T {
    if (typeof value !== 'object' || value === null) return value;
    const cached = this.#proxies.get(value);
    if (cached) return cached as T;
    const proxy = new Proxy(value, {
      get: (target, key, receiver) => {
        this.#readsOf(target).keys.add(key);
        return this.wrap(Reflect.get(target, key, receiver));
      },
      has: (target, key) => {
        this.#readsOf(target).keys.add(key);
        return Reflect.has(target, key);
      },
      ownKeys: (target) => {
        this.#readsOf(target).enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
    this.#proxies.set(value, proxy);
    return proxy;
  }

  /** Paths (JSON pointer) of properties under `value` that were never read. */
  unread(value: unknown, at = ''): string[] {
    if (typeof value !== 'object' || value === null) return [];
    const reads = this.#reads.get(value);
    const found: string[] = [];
    for (const [key, child] of Object.entries(value)) {
      const path = `${at}/${key}`;
      if (!reads?.enumerated && !reads?.keys.has(key)) found.push(path);
      else found.push(...this.unread(child, path));
    }
    return found;
  }
}

/**
 * Runs `model.validate()` over a recording proxy and returns the JSON pointers of the properties
 * it never read. Only meaningful after the model validated: a failing validator may stop early.
 * @example unknownFields(new Deployment(obj)) // ['/spec/template/spec/containers/0/imagePullPolicyy']
 */
export function unknownFields(model: { validate(): void }): string[] {
  const tracker = new ReadTracker();
  model.validate.call(tracker.wrap(model));
  return tracker.unread(model);
}
