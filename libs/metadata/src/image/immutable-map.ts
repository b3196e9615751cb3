/**
 * A read-only map that nobody can mutate: there is no `set`, and the backing
 * Map is an ES private field. Changes make a new map (`with`, `without`, or
 * `MapDraft` for many changes at once) that shares the values, so images share
 * every unchanged topic, partition and registration with their predecessor.
 *
 * Each change copies the key table (O(n) per batch, not per record, when done
 * through MapDraft); a hash-array-mapped trie could replace the backing Map
 * later without changing this API.
 */
export class ImmutableMap<K, V> implements ReadonlyMap<K, V> {
  static readonly #EMPTY = new ImmutableMap<never, never>(new Map<never, never>());
  readonly #map: Map<K, V>;

  private constructor(map: Map<K, V>) {
    this.#map = map;
    Object.freeze(this);
  }

  static empty<K, V>(): ImmutableMap<K, V> {
    return ImmutableMap.#EMPTY as ImmutableMap<K, V>;
  }

  /** A map of the given entries (later duplicates win, as in `new Map`). */
  static of<K, V>(entries: Iterable<readonly [K, V]>): ImmutableMap<K, V> {
    return ImmutableMap.adopt(new Map(entries));
  }

  /** Wraps `map` without copying: the caller hands it over and must never touch it again. */
  static adopt<K, V>(map: Map<K, V>): ImmutableMap<K, V> {
    return map.size === 0 ? ImmutableMap.empty() : new ImmutableMap(map);
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  keys(): MapIterator<K> {
    return this.#map.keys();
  }

  values(): MapIterator<V> {
    return this.#map.values();
  }

  entries(): MapIterator<[K, V]> {
    return this.#map.entries();
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.#map.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    this.#map.forEach((value, key) => callback(value, key, this));
  }

  /** A new map with `key` set to `value` (this one if nothing changes). */
  with(key: K, value: V): ImmutableMap<K, V> {
    if (this.#map.get(key) === value && this.#map.has(key)) return this;
    const copy = new Map(this.#map);
    copy.set(key, value);
    return new ImmutableMap(copy);
  }

  /** A new map without `key` (this one if it is absent). */
  without(key: K): ImmutableMap<K, V> {
    if (!this.#map.has(key)) return this;
    const copy = new Map(this.#map);
    copy.delete(key);
    return ImmutableMap.adopt(copy);
  }

  /** A mutable copy, for building the next map. */
  toMap(): Map<K, V> {
    return new Map(this.#map);
  }
}

/**
 * Collects many changes to an ImmutableMap and copies it at most once:
 * reads see the changes so far, `finish` returns the base itself when nothing
 * changed.
 */
export class MapDraft<K, V> {
  #copy: Map<K, V> | undefined;

  constructor(private readonly base: ImmutableMap<K, V>) {}

  get(key: K): V | undefined {
    return this.#copy ? this.#copy.get(key) : this.base.get(key);
  }

  has(key: K): boolean {
    return this.#copy ? this.#copy.has(key) : this.base.has(key);
  }

  get size(): number {
    return this.#copy ? this.#copy.size : this.base.size;
  }

  values(): IterableIterator<V> {
    return this.#copy ? this.#copy.values() : this.base.values();
  }

  set(key: K, value: V): void {
    if (!this.#copy && this.base.get(key) === value && this.base.has(key)) return;
    this.mutable().set(key, value);
  }

  delete(key: K): void {
    if (!this.has(key)) return;
    this.mutable().delete(key);
  }

  finish(): ImmutableMap<K, V> {
    return this.#copy ? ImmutableMap.adopt(this.#copy) : this.base;
  }

  private mutable(): Map<K, V> {
    this.#copy ??= this.base.toMap();
    return this.#copy;
  }
}
