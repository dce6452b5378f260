/**
 * A bounded in-isolate cache whose entries expire: reads on hot paths (the API key behind every
 * request, the caller's membership) skip D1 for `ttlMs`, so a change made elsewhere (a revoked key,
 * a removed member) takes effect within that bound. Past `maxEntries` the oldest entry goes.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; until: number }>()
  readonly #loading = new Map<string, Promise<V | undefined>>()

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string): V | undefined {
    const hit = this.#entries.get(key)
    if (!hit) return undefined
    if (hit.until > Date.now()) return hit.value
    this.#entries.delete(key)
    return undefined
  }

  set(key: string, value: V): void {
    this.#entries.delete(key)
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next()
      if (!oldest.done) this.#entries.delete(oldest.value)
    }
    this.#entries.set(key, { value, until: Date.now() + this.ttlMs })
  }

  /** The cached value, else `load()`'s (cached unless undefined); concurrent misses of one key share one load. */
  async getOrLoad(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const hit = this.get(key)
    if (hit !== undefined) return hit
    const pending = this.#loading.get(key)
    if (pending) return pending
    const loading = load()
      .then((value) => {
        if (value !== undefined) this.set(key, value)
        return value
      })
      .finally(() => this.#loading.delete(key))
    this.#loading.set(key, loading)
    return loading
  }

  /** An invalidation made in this isolate: the next read loads again. */
  delete(key: string): void {
    this.#entries.delete(key)
  }

  clear(): void {
    this.#entries.clear()
  }
}
