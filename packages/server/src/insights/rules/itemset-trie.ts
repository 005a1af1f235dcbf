// Frequent itemsets as a prefix tree over item ranks in ascending order. Every subset of a frequent
// itemset is frequent, so every node is itself a mined itemset and the count of any subset — what a
// rule's confidence needs — is a short walk from the root, with no string keys.

export class ItemsetTrie {
  /** Number of distinct items; items are ranks 0..width-1. */
  readonly width: number;
  /** Nodes in use; node 0 is the empty itemset, whose count is the number of transactions. */
  size = 1;
  item: Int32Array;
  parent: Int32Array;
  count: Int32Array;
  depth: Int32Array;
  // One map for all edges keyed by parent * width + item: far fewer objects than a map per node.
  private readonly edges = new Map<number, number>();

  constructor({ width, transactions }: { width: number; transactions: number }) {
    this.width = width;
    const capacity = 1024;
    this.item = new Int32Array(capacity);
    this.parent = new Int32Array(capacity);
    this.count = new Int32Array(capacity);
    this.depth = new Int32Array(capacity);
    this.item[0] = -1;
    this.parent[0] = -1;
    this.count[0] = transactions;
  }

  /** The node for `node`'s itemset plus `item` (which must rank after all of them), or -1. */
  child(node: number, item: number): number {
    return this.edges.get(node * this.width + item) ?? -1;
  }

  /** Records the count of the itemset `items[0..length)`, given in ascending rank order. */
  add(items: Int32Array, length: number, count: number): void {
    let node = 0;
    for (let i = 0; i < length; i++) {
      const item = items[i]!;
      const key = node * this.width + item;
      let next = this.edges.get(key);
      if (next === undefined) {
        // A prefix may arrive after its extensions (FP-growth does not mine in prefix order): its
        // node is created now and its count filled in when it is mined.
        next = this.size++;
        if (next === this.item.length) this.grow();
        this.item[next] = item;
        this.parent[next] = node;
        this.count[next] = -1;
        this.depth[next] = i + 1;
        this.edges.set(key, next);
      }
      node = next;
    }
    this.count[node] = count;
  }

  /** The items of `node`'s itemset in ascending rank order, written into `out`; returns its length. */
  itemsOf(node: number, out: Int32Array): number {
    const length = this.depth[node]!;
    for (let i = length - 1; i >= 0; i--) {
      out[i] = this.item[node]!;
      node = this.parent[node]!;
    }
    return length;
  }

  private grow(): void {
    const capacity = this.item.length * 2;
    const widen = (a: Int32Array): Int32Array => {
      const b = new Int32Array(capacity);
      b.set(a);
      return b;
    };
    this.item = widen(this.item);
    this.parent = widen(this.parent);
    this.count = widen(this.count);
    this.depth = widen(this.depth);
  }
}
