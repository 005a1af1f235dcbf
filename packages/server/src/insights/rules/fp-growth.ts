// FP-growth (Han, Pei & Yin 2000) over integer item ids: an FP-tree with a header table, mined
// recursively through conditional pattern bases. Items are ranked by descending frequency (rank 0 =
// most frequent) so shared prefixes compress; the trees live in an arena of typed arrays (fp-tree.ts).
import { FpArena, type FpTree } from './fp-tree.ts';
import { ItemsetTrie } from './itemset-trie.ts';
import { minSupportCount } from './thresholds.ts';

/** arules' default `maxlen`: itemsets (and rules, both sides together) of at most 10 items. */
export const ARULES_DEFAULT_MAX_LEN = 10;

export type EncodedBaskets = {
  /** id → item. */
  labels: string[];
  /** Basket b holds ids[offsets[b]] … ids[offsets[b + 1] - 1], each id once. */
  offsets: Int32Array;
  ids: Int32Array;
  /** id → number of baskets holding it. */
  itemCounts: Int32Array;
};

/** Gives each distinct item an id and drops repeats inside a basket (a basket is a set). */
export function encodeBaskets(baskets: readonly (readonly string[])[]): EncodedBaskets {
  const idOf = new Map<string, number>();
  const labels: string[] = [];
  const counts: number[] = [];
  const lastBasket: number[] = [];
  let total = 0;
  for (const basket of baskets) total += basket.length;
  const ids = new Int32Array(total);
  const offsets = new Int32Array(baskets.length + 1);
  let written = 0;
  for (let b = 0; b < baskets.length; b++) {
    for (const item of baskets[b]!) {
      let id = idOf.get(item);
      if (id === undefined) {
        id = labels.length;
        idOf.set(item, id);
        labels.push(item);
        counts.push(0);
        lastBasket.push(-1);
      }
      if (lastBasket[id] === b) continue;
      lastBasket[id] = b;
      counts[id]!++;
      ids[written++] = id;
    }
    offsets[b + 1] = written;
  }
  return { labels, offsets, ids: ids.subarray(0, written), itemCounts: Int32Array.from(counts) };
}

/** Frequent itemsets over item ranks (0 = most frequent item) with the label of each rank. */
export type MinedItemsets = { transactions: number; trie: ItemsetTrie; labels: string[] };

type MineContext = {
  arena: FpArena;
  minCount: number;
  maxLen: number;
  trie: ItemsetTrie;
  /** The itemset being extended, as global ranks in mining order. */
  prefix: Int32Array;
  sorted: Int32Array;
  // Scratch for building a conditional tree, indexed by the parent tree's local items. Each build
  // finishes before the recursion that reuses them, and resets what it touched.
  counts: Int32Array;
  newIndex: Int32Array;
  touched: Int32Array;
  kept: Int32Array;
  path: Int32Array;
  /** Prefix paths of the item being projected: [length, count, items…] one after another. */
  paths: Int32Array;
};

function sortAscending(a: Int32Array, length: number): void {
  for (let i = 1; i < length; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

function sortByCountDescending(items: Int32Array, length: number, counts: Int32Array): void {
  const before = (a: number, b: number) => counts[a]! > counts[b]! || (counts[a] === counts[b] && a < b);
  if (length > 32) {
    const sorted = Array.from(items.subarray(0, length)).sort((a, b) => (before(a, b) ? -1 : 1));
    items.set(sorted);
    return;
  }
  for (let i = 1; i < length; i++) {
    const v = items[i]!;
    let j = i - 1;
    while (j >= 0 && before(v, items[j]!)) {
      items[j + 1] = items[j]!;
      j--;
    }
    items[j + 1] = v;
  }
}

function emit(ctx: MineContext, length: number, count: number): void {
  const { prefix, sorted } = ctx;
  for (let i = 0; i < length; i++) sorted[i] = prefix[i]!;
  sortAscending(sorted, length);
  ctx.trie.add(sorted, length, count);
}

/**
 * The conditional FP-tree of local item `j`: its prefix paths, keeping only the items still frequent.
 * The paths are copied once into a flat buffer while counting, so the second pass reads sequential
 * memory instead of walking the tree's scattered nodes again.
 */
function conditionalTree(t: FpTree, j: number, ctx: MineContext): FpTree | null {
  const { arena, counts, newIndex, touched } = ctx;
  const { item, parent, count, nextSame } = arena;
  let paths = ctx.paths;
  let touchedCount = 0;
  let used = 0;
  let pathCount = 0;
  for (let n = arena.head[t.itemBase + j]!; n !== -1; n = nextSame[n]!) {
    // A path holds at most j items (its items rank before j): room for it and its length and count.
    if (used + j + 2 > paths.length) paths = ctx.paths = widen(paths, used + j + 2);
    const c = count[n]!;
    const start = used;
    used += 2;
    for (let p = parent[n]!; p !== t.root; p = parent[p]!) {
      const it = item[p]!;
      if (counts[it] === 0) touched[touchedCount++] = it;
      counts[it]! += c;
      paths[used++] = it;
    }
    if (used === start + 2) used = start;
    else {
      paths[start] = used - start - 2;
      paths[start + 1] = c;
      pathCount++;
    }
  }
  const kept = ctx.kept;
  let keptCount = 0;
  for (let i = 0; i < touchedCount; i++)
    if (counts[touched[i]!]! >= ctx.minCount) kept[keptCount++] = touched[i]!;
  let child: FpTree | null = null;
  if (keptCount > 0) {
    // Descending count shares the most prefixes; ties by local index keep it deterministic.
    sortByCountDescending(kept, keptCount, counts);
    child = arena.open({ capacity: used - 2 * pathCount + 1, items: keptCount });
    for (let i = 0; i < keptCount; i++) {
      const it = kept[i]!;
      newIndex[it] = i;
      arena.label[child.itemBase + i] = arena.label[t.itemBase + it]!;
      arena.support[child.itemBase + i] = counts[it]!;
    }
    const path = ctx.path;
    for (let at = 0; at < used;) {
      const c = paths[at + 1]!;
      const end = at + 2 + paths[at]!;
      let length = 0;
      for (let i = at + 2; i < end; i++) {
        const local = newIndex[paths[i]!]!;
        if (local >= 0) path[length++] = local;
      }
      at = end;
      if (length === 0) continue;
      sortAscending(path, length);
      arena.insert(child, path, length, c);
    }
  }
  for (let i = 0; i < touchedCount; i++) {
    counts[touched[i]!] = 0;
    newIndex[touched[i]!] = -1;
  }
  return child;
}

function widen(a: Int32Array, atLeast: number): Int32Array {
  const b = new Int32Array(Math.max(a.length * 2, atLeast));
  b.set(a);
  return b;
}

// On a single chain every combination of its items is frequent, with the count of its deepest node
// (counts only fall going down), so they are listed without building more trees.
function mineChain(t: FpTree, first: number, depth: number, ctx: MineContext): void {
  const { arena } = ctx;
  for (let node = first; node !== -1; node = arena.firstChild[node]!) {
    ctx.prefix[depth] = arena.label[t.itemBase + arena.item[node]!]!;
    emit(ctx, depth + 1, arena.count[node]!);
    if (depth + 1 < ctx.maxLen) mineChain(t, arena.firstChild[node]!, depth + 1, ctx);
  }
}

function mineTree(t: FpTree, depth: number, ctx: MineContext): void {
  const { arena } = ctx;
  if (arena.isChain(t)) {
    mineChain(t, arena.firstChild[t.root]!, depth, ctx);
    return;
  }
  for (let j = t.items - 1; j >= 0; j--) {
    // Read through `arena` each time: a child tree may have reallocated its arrays.
    ctx.prefix[depth] = arena.label[t.itemBase + j]!;
    emit(ctx, depth + 1, arena.support[t.itemBase + j]!);
    if (depth + 1 >= ctx.maxLen) continue;
    const child = conditionalTree(t, j, ctx);
    if (!child) continue;
    mineTree(child, depth + 1, ctx);
    arena.close(child);
  }
}

/** All itemsets of 1..maxLen items found in at least `minCount` baskets, with their counts. */
export function mineItemsets({
  encoded,
  minCount,
  maxLen,
}: {
  encoded: EncodedBaskets;
  minCount: number;
  maxLen: number;
}): MinedItemsets {
  const { itemCounts, offsets, ids } = encoded;
  const transactions = offsets.length - 1;
  const frequent: number[] = [];
  for (let id = 0; id < itemCounts.length; id++) if (itemCounts[id]! >= minCount) frequent.push(id);
  frequent.sort((a, b) => itemCounts[b]! - itemCounts[a]! || a - b);
  const width = frequent.length;
  const trie = new ItemsetTrie({ width, transactions });
  const labels = frequent.map((id) => encoded.labels[id]!);
  if (width === 0 || maxLen < 1) return { transactions, trie, labels };

  const rankOf = new Int32Array(itemCounts.length).fill(-1);
  for (let r = 0; r < width; r++) rankOf[frequent[r]!] = r;
  let occurrences = 0;
  for (let i = 0; i < ids.length; i++) if (rankOf[ids[i]!]! >= 0) occurrences++;
  // Conditional trees are at most as big as their parent; twice the main tree is room for most runs.
  const arena = new FpArena({ nodes: 2 * (occurrences + 1), items: 4 * width });
  const tree = arena.open({ capacity: occurrences + 1, items: width });
  for (let r = 0; r < width; r++) {
    arena.label[r] = r;
    arena.support[r] = itemCounts[frequent[r]!]!;
  }
  const path = new Int32Array(width);
  for (let b = 0; b < transactions; b++) {
    let length = 0;
    for (let i = offsets[b]!; i < offsets[b + 1]!; i++) {
      const rank = rankOf[ids[i]!]!;
      if (rank >= 0) path[length++] = rank;
    }
    sortAscending(path, length);
    if (length > 0) arena.insert(tree, path, length, 1);
  }

  const depthLimit = Math.min(maxLen, width);
  mineTree(tree, 0, {
    arena,
    minCount,
    maxLen: depthLimit,
    trie,
    prefix: new Int32Array(depthLimit),
    sorted: new Int32Array(depthLimit),
    counts: new Int32Array(width),
    newIndex: new Int32Array(width).fill(-1),
    touched: new Int32Array(width),
    kept: new Int32Array(width),
    path,
    paths: new Int32Array(1024),
  });
  return { transactions, trie, labels };
}

export type FrequentItemset = { items: string[]; count: number; support: number };

/** Frequent itemsets as arules' `apriori(target = "frequent itemsets")` finds them; items sorted. */
export function frequentItemsets({
  baskets,
  minSupport,
  maxLen = ARULES_DEFAULT_MAX_LEN,
}: {
  baskets: readonly (readonly string[])[];
  minSupport: number;
  maxLen?: number;
}): { transactions: number; itemsets: FrequentItemset[] } {
  const encoded = encodeBaskets(baskets);
  const transactions = baskets.length;
  const minCount = minSupportCount({ minSupport, transactions });
  const { trie, labels } = mineItemsets({ encoded, minCount, maxLen });
  const buffer = new Int32Array(Math.max(1, Math.min(maxLen, labels.length)));
  const itemsets: FrequentItemset[] = [];
  for (let node = 1; node < trie.size; node++) {
    const length = trie.itemsOf(node, buffer);
    const items: string[] = [];
    for (let i = 0; i < length; i++) items.push(labels[buffer[i]!]!);
    const count = trie.count[node]!;
    itemsets.push({ items: items.sort(), count, support: count / transactions });
  }
  return { transactions, itemsets };
}
