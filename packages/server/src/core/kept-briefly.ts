// Settings the hot paths read on every message and that change seldom (desk and bot settings):
// kept a few seconds per workspace, so at 200 messages a second reading them costs no round
// trip. A change made in this process is seen at once (`forget` once it committed); one made by
// another hub process within `ms`. Workspace ids are unique across databases, so one map serves
// every database a process opens.
export type KeptBriefly<T> = {
  get(key: string): T | null;
  set(key: string, value: T): void;
  forget(key: string): void;
};

export function keptBriefly<T>(ms: number): KeptBriefly<T> {
  const kept = new Map<string, { value: T; until: number }>();
  return {
    get(key) {
      const hit = kept.get(key);
      if (hit && hit.until > Date.now()) return hit.value;
      kept.delete(key);
      return null;
    },
    set(key, value) {
      kept.set(key, { value, until: Date.now() + ms });
    },
    forget(key) {
      kept.delete(key);
    },
  };
}
