// FP-trees stored in one arena of flat Int32Arrays rather than as node objects. FP-growth builds a
// conditional tree, mines it, and drops it before building the next, so trees come and go like a stack:
// a new tree takes the space above the last one and closing it gives that space back. Mining then
// allocates nothing per tree, and walking a tree touches contiguous typed memory.

/** A tree's place in the arena. Node ids are arena indices; `root` is the tree's empty root node. */
export type FpTree = {
  root: number;
  /** Next free node id; the tree owns root … root + capacity - 1. */
  end: number;
  /** Number of local items; local item i's header slots are at itemBase + i. */
  items: number;
  itemBase: number;
};

export class FpArena {
  nodeTop = 0;
  itemTop = 0;
  // Per node.
  item: Int32Array;
  parent: Int32Array;
  count: Int32Array;
  firstChild: Int32Array;
  nextSibling: Int32Array;
  /** Node-link: the next node of the same tree holding the same item, or -1. */
  nextSame: Int32Array;
  // Per local item of a tree: the header table. Local items are ordered by descending count.
  head: Int32Array;
  support: Int32Array;
  /** Global rank of the local item. */
  label: Int32Array;
  /** The root's child for the item, so the widest node is not searched through its sibling list. */
  rootChild: Int32Array;

  constructor({ nodes, items }: { nodes: number; items: number }) {
    this.item = new Int32Array(nodes);
    this.parent = new Int32Array(nodes);
    this.count = new Int32Array(nodes);
    this.firstChild = new Int32Array(nodes);
    this.nextSibling = new Int32Array(nodes);
    this.nextSame = new Int32Array(nodes);
    this.head = new Int32Array(items);
    this.support = new Int32Array(items);
    this.label = new Int32Array(items);
    this.rootChild = new Int32Array(items);
  }

  /**
   * Starts an empty tree with room for `capacity` nodes (root included) and `items` local items, whose
   * `label` and `support` the caller fills. May reallocate the arrays: re-read them after opening.
   */
  open({ capacity, items }: { capacity: number; items: number }): FpTree {
    this.reserve(capacity, items);
    const root = this.nodeTop;
    const itemBase = this.itemTop;
    this.nodeTop += capacity;
    this.itemTop += items;
    this.item[root] = -1;
    this.parent[root] = -1;
    this.firstChild[root] = -1;
    this.nextSibling[root] = -1;
    this.head.fill(-1, itemBase, itemBase + items);
    this.rootChild.fill(-1, itemBase, itemBase + items);
    return { root, end: root + 1, items, itemBase };
  }

  /** Frees `tree` and every tree opened after it. */
  close(tree: FpTree): void {
    this.nodeTop = tree.root;
    this.itemTop = tree.itemBase;
  }

  /** Adds `count` transactions holding `path[0..length)` (local items, ascending) to `tree`. */
  insert(tree: FpTree, path: Int32Array, length: number, count: number): void {
    const { item, parent, firstChild, nextSibling, nextSame, head, rootChild } = this;
    const counts = this.count;
    const base = tree.itemBase;
    let node = tree.root;
    for (let i = 0; i < length; i++) {
      const it = path[i]!;
      let child: number;
      if (node === tree.root) child = rootChild[base + it]!;
      else {
        child = firstChild[node]!;
        let previous = -1;
        while (child !== -1 && item[child] !== it) {
          previous = child;
          child = nextSibling[child]!;
        }
        // Move the child found to the front: paths that share a prefix tend to come together.
        if (child !== -1 && previous !== -1) {
          nextSibling[previous] = nextSibling[child]!;
          nextSibling[child] = firstChild[node]!;
          firstChild[node] = child;
        }
      }
      if (child === -1) {
        child = tree.end++;
        item[child] = it;
        parent[child] = node;
        counts[child] = 0;
        firstChild[child] = -1;
        nextSibling[child] = firstChild[node]!;
        firstChild[node] = child;
        nextSame[child] = head[base + it]!;
        head[base + it] = child;
        if (node === tree.root) rootChild[base + it] = child;
      }
      counts[child]! += count;
      node = child;
    }
  }

  /** Whether the tree is one chain from the root down (then every combination of it is frequent). */
  isChain(tree: FpTree): boolean {
    if (tree.end - tree.root - 1 !== tree.items) return false;
    for (let node = this.firstChild[tree.root]!; node !== -1; node = this.firstChild[node]!) {
      if (this.nextSibling[node] !== -1) return false;
    }
    return true;
  }

  private reserve(nodes: number, items: number): void {
    if (this.nodeTop + nodes > this.item.length) {
      const size = Math.max(this.item.length * 2, this.nodeTop + nodes);
      this.item = widen(this.item, size, this.nodeTop);
      this.parent = widen(this.parent, size, this.nodeTop);
      this.count = widen(this.count, size, this.nodeTop);
      this.firstChild = widen(this.firstChild, size, this.nodeTop);
      this.nextSibling = widen(this.nextSibling, size, this.nodeTop);
      this.nextSame = widen(this.nextSame, size, this.nodeTop);
    }
    if (this.itemTop + items > this.head.length) {
      const size = Math.max(this.head.length * 2, this.itemTop + items);
      this.head = widen(this.head, size, this.itemTop);
      this.support = widen(this.support, size, this.itemTop);
      this.label = widen(this.label, size, this.itemTop);
      this.rootChild = widen(this.rootChild, size, this.itemTop);
    }
  }
}

function widen(a: Int32Array, size: number, used: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a.subarray(0, used));
  return b;
}
