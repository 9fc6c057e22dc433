/** A plain map of plugins by id, checked once at start-up. */
export interface Registry<T extends { readonly id: string }> {
  /** Returns the item or throws `unknown <kind> "<id>"; known: a, b`. */
  get(id: string): T;
  find(id: string): T | undefined;
  has(id: string): boolean;
  readonly ids: readonly string[];
  readonly all: readonly T[];
}

/** Builds a registry; throws `duplicate <kind> id: <id>` when two items share an id. */
export function registry<T extends { readonly id: string }>(kind: string, items: readonly T[]): Registry<T> {
  const byId = new Map<string, T>();
  for (const item of items) {
    if (byId.has(item.id)) throw new Error(`duplicate ${kind} id: ${item.id}`);
    byId.set(item.id, item);
  }
  const ids = [...byId.keys()];
  return {
    get(id) {
      const item = byId.get(id);
      if (!item) throw new Error(`unknown ${kind} "${id}"; known: ${ids.join(', ')}`);
      return item;
    },
    find: (id) => byId.get(id),
    has: (id) => byId.has(id),
    ids,
    all: [...byId.values()],
  };
}
