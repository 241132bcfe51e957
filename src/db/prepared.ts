// Drizzle queries built once per database: a hot query's SQL is made and parsed on first use,
// then only its placeholders are filled (building the SQL cost as much as running it).
const caches = new WeakMap<object, Map<string, unknown>>();

/** The query `build` makes for `db`, made the first time `key` is asked for. */
export function preparedQuery<T>(db: object, key: string, build: () => T): T {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let query = cache.get(key) as T | undefined;
  if (query === undefined) cache.set(key, (query = build()));
  return query;
}
