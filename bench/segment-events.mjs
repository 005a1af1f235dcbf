// The ingest bench's Segment events: ~500 bytes each, 10 % `identify` with email and phone, the
// rest `track` with product properties, Persian text included.

/** `count` events of `users` users; `offset` makes new messageIds, so the same users can send again. */
export function makeEvents({ count, offset, users }) {
  return Array.from({ length: count }, (_, n) => {
    const i = n + offset;
    const user = i % users;
    const base = {
      messageId: `bench-${offset}-${i}`,
      userId: `user-${user}`,
      anonymousId: `anon-${user}`,
      timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      context: { ip: '10.0.0.1', library: { name: 'bench', version: '1' }, locale: 'fa-IR' },
    };
    if (i % 10 === 0)
      return {
        ...base,
        type: 'identify',
        traits: {
          email: `user${user}@example.ir`,
          phone: `0912${String(1_000_000 + (user % 9_000_000)).padStart(7, '0')}`,
          name: 'کاربر آزمایشی',
          city: 'تهران',
          plan: 'gold',
        },
      };
    return {
      ...base,
      type: 'track',
      event: 'Product Viewed',
      properties: {
        product_id: `p-${i % 500}`,
        name: 'گوشی هوشمند نوین',
        category: 'موبایل',
        price: 185000000,
        currency: 'IRR',
        position: i % 20,
        url: 'https://shop.example.ir/products/p-1',
        referrer: 'https://www.google.com/',
      },
    };
  });
}

/** Segment `batch` bodies of `size` events each, encoded. */
export function bodiesOf(events, size) {
  const bodies = [];
  for (let i = 0; i < events.length; i += size)
    bodies.push(
      Buffer.from(JSON.stringify({ batch: events.slice(i, i + size), sentAt: new Date().toISOString() })),
    );
  return bodies;
}
