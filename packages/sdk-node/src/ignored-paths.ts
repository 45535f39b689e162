// Health and scrape endpoints are hit every few seconds by orchestrators and would drown real
// traffic, so their incoming requests start no trace at all.

/** True when the request target's path (query string ignored) is one of `paths`. */
export function isIgnoredPath(url: string | undefined, paths: readonly string[]): boolean {
  if (!url) return false;
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return paths.includes(path);
}
