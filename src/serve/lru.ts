// The explorer keeps a few runs' models (native tensors) loaded and must free the ones it drops.

/** A small least-recently-used cache whose evicted (or replaced) values are handed to a dispose callback. */
export class DisposingLru<K, V> {
  readonly capacity: number;
  readonly #entries = new Map<K, V>();
  readonly #dispose: (value: V, key: K) => void;

  constructor(capacity: number, dispose: (value: V, key: K) => void = () => {}) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`an LRU cache needs a capacity of at least 1, got ${capacity}`);
    this.capacity = capacity;
    this.#dispose = dispose;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Whether `key` is cached (does not change its recency). */
  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** The cached keys, least recently used first. */
  keys(): K[] {
    return [...this.#entries.keys()];
  }

  /** The value, now the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key)!;
    // Map keeps insertion order: re-inserting moves the key to the young end.
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** The cached value, or one made by `make` and cached (evicting the oldest past capacity). */
  getOrCreate(key: K, make: () => V): V {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const value = make();
    this.set(key, value);
    return value;
  }

  /** Caches `value` under `key` as the most recently used, disposing the value it replaces and the least recently used beyond capacity. */
  set(key: K, value: V): void {
    const old = this.#entries.get(key);
    this.#entries.delete(key);
    if (old !== undefined && old !== value) this.#dispose(old, key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.capacity) {
      const [oldestKey, oldest] = this.#entries.entries().next().value as [K, V];
      this.#entries.delete(oldestKey);
      this.#dispose(oldest, oldestKey);
    }
  }

  /** Drops and disposes every entry. */
  clear(): void {
    const entries = [...this.#entries];
    this.#entries.clear();
    for (const [key, value] of entries) this.#dispose(value, key);
  }
}
