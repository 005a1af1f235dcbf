// Baskets written one per line with items separated by commas (the layout of the classic
// groceries.csv), as exports from a POS or a shop often are. No quoting: an item holds no comma.

/** One basket per non-empty line; items trimmed, empty ones dropped. */
export function parseBasketLines(text: string): string[][] {
  const baskets: string[][] = [];
  for (const line of text.split('\n')) {
    const items = line
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
    if (items.length > 0) baskets.push(items);
  }
  return baskets;
}
