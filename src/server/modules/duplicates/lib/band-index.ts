/**
 * Multimap from 32-bit band hash to document slots, for one LSH band, in typed arrays only (no
 * per-entry objects: a Map<number, number[]> per band took about 4 times the memory and a third of
 * the indexing time). Most entries live in two parallel arrays sorted by hash (8 bytes per entry,
 * binary search). Recent additions go to an open-addressing table and are merged into the sorted
 * arrays when they reach a quarter of their size, so that building an index costs O(n log n).
 */
export class BandIndex {
  private keys = new Uint32Array(0);
  private slots = new Int32Array(0);
  // Recent entries in arrival order, and a linear-probing table of (entry index + 1), 0 = free.
  private recentKeys = new Uint32Array(1024);
  private recentSlots = new Int32Array(1024);
  private recentCount = 0;
  private table = new Int32Array(2048);

  get size(): number {
    return this.keys.length + this.recentCount;
  }

  add(hash: number, slot: number, isLive: (slot: number) => boolean): void {
    const entry = this.recentCount++;
    this.recentKeys[entry] = hash;
    this.recentSlots[entry] = slot;
    const mask = this.table.length - 1;
    let i = hash & mask;
    while (this.table[i] !== 0) i = (i + 1) & mask;
    this.table[i] = entry + 1;
    if (this.recentCount === this.recentKeys.length) this.merge(isLive);
  }

  /** Calls visit for each slot stored under the hash (dead slots included; the caller filters). */
  forEach(hash: number, visit: (slot: number) => void): void {
    const keys = this.keys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < hash) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < keys.length && keys[i] === hash; i++) visit(this.slots[i]);
    const mask = this.table.length - 1;
    for (let i = hash & mask; this.table[i] !== 0; i = (i + 1) & mask) {
      const entry = this.table[i] - 1;
      if (this.recentKeys[entry] === hash) visit(this.recentSlots[entry]);
    }
  }

  /** Moves the recent entries into the sorted arrays, dropping the slots that are no longer live. */
  merge(isLive: (slot: number) => boolean): void {
    const { recentKeys, recentSlots, recentCount: count } = this;
    // Sort by (hash, arrival) packed in doubles: hash · 2^21 + arrival stays below 2^53.
    const packed = new Float64Array(count);
    for (let i = 0; i < count; i++) packed[i] = recentKeys[i] * 2 ** 21 + i;
    packed.sort();
    const keys = new Uint32Array(this.keys.length + count);
    const slots = new Int32Array(keys.length);
    let n = 0;
    let i = 0;
    let j = 0;
    while (i < this.keys.length || j < count) {
      const arrival = j < count ? packed[j] % 2 ** 21 : 0;
      const takeOld = j >= count || (i < this.keys.length && this.keys[i] <= recentKeys[arrival]);
      const key = takeOld ? this.keys[i] : recentKeys[arrival];
      const slot = takeOld ? this.slots[i++] : recentSlots[arrival];
      if (!takeOld) j++;
      if (!isLive(slot)) continue;
      keys[n] = key;
      slots[n++] = slot;
    }
    this.keys = n === keys.length ? keys : keys.slice(0, n);
    this.slots = n === slots.length ? slots : slots.slice(0, n);
    // The next batch of recent entries may hold up to a quarter of the sorted ones (≤ 2^21).
    let capacity = 1024;
    while (capacity < n >> 2 && capacity < 2 ** 21) capacity *= 2;
    this.recentKeys = new Uint32Array(capacity);
    this.recentSlots = new Int32Array(capacity);
    this.recentCount = 0;
    this.table = new Int32Array(capacity * 2);
  }
}
