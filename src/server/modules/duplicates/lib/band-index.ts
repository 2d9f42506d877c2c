/**
 * Multimap from 32-bit band hash to document slots, for one LSH band. Most entries live in two
 * parallel typed arrays sorted by hash (8 bytes per entry, binary search); recent additions also go
 * to a small Map for lookups and are merged into the arrays when they reach a quarter of their size,
 * so that building a large index costs O(n log n) and leaves no per-entry objects behind. A
 * Map<number, number[]> per band took about 4 times the memory.
 */
export class BandIndex {
  private keys = new Uint32Array(0);
  private slots = new Int32Array(0);
  private recent = new Map<number, number | number[]>();
  private recentKeys: number[] = [];
  private recentSlots: number[] = [];

  get size(): number {
    return this.keys.length + this.recentKeys.length;
  }

  add(hash: number, slot: number, isLive: (slot: number) => boolean): void {
    const bucket = this.recent.get(hash);
    if (bucket === undefined) this.recent.set(hash, slot);
    else if (typeof bucket === 'number') this.recent.set(hash, [bucket, slot]);
    else bucket.push(slot);
    this.recentKeys.push(hash);
    this.recentSlots.push(slot);
    if (this.recentKeys.length > Math.max(1024, this.keys.length >> 2)) this.merge(isLive);
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
    const bucket = this.recent.get(hash);
    if (bucket === undefined) return;
    if (typeof bucket === 'number') visit(bucket);
    else for (const slot of bucket) visit(slot);
  }

  /** Moves the recent entries into the sorted arrays, dropping the slots that are no longer live. */
  merge(isLive: (slot: number) => boolean): void {
    const { recentKeys, recentSlots } = this;
    const count = recentKeys.length;
    // Sort (hash, arrival) pairs packed in doubles: hash · 2^21 + arrival stays below 2^53.
    const packed = new Float64Array(count);
    const useNativeSort = count < 2 ** 21;
    for (let i = 0; i < count; i++) packed[i] = useNativeSort ? recentKeys[i] * 2 ** 21 + i : i;
    if (useNativeSort) packed.sort();
    else packed.sort((a, b) => recentKeys[a] - recentKeys[b] || a - b);
    const arrival = (j: number) => (useNativeSort ? packed[j] % 2 ** 21 : packed[j]);
    const keys = new Uint32Array(this.keys.length + count);
    const slots = new Int32Array(keys.length);
    let n = 0;
    let i = 0;
    let j = 0;
    while (i < this.keys.length || j < count) {
      const takeOld = j >= count || (i < this.keys.length && this.keys[i] <= recentKeys[arrival(j)]);
      const key = takeOld ? this.keys[i] : recentKeys[arrival(j)];
      const slot = takeOld ? this.slots[i++] : recentSlots[arrival(j++)];
      if (!isLive(slot)) continue;
      keys[n] = key;
      slots[n++] = slot;
    }
    this.keys = n === keys.length ? keys : keys.slice(0, n);
    this.slots = n === slots.length ? slots : slots.slice(0, n);
    this.recent.clear();
    this.recentKeys = [];
    this.recentSlots = [];
  }
}
