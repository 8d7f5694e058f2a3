// A Map that cannot be changed: Object.freeze does not stop Map#set, so topologies expose their
// node maps through this read-only view instead.

export function frozenMap<K, V>(entries: Iterable<readonly [K, V]>): ReadonlyMap<K, V> {
  const map = new Map<K, V>(entries);
  const view: ReadonlyMap<K, V> = {
    get: (key) => map.get(key),
    has: (key) => map.has(key),
    get size() {
      return map.size;
    },
    forEach: (callback, thisArg?: unknown) => map.forEach((value, key) => callback.call(thisArg, value, key, view)),
    keys: () => map.keys(),
    values: () => map.values(),
    entries: () => map.entries(),
    [Symbol.iterator]: () => map[Symbol.iterator](),
  };
  return Object.freeze(view);
}
