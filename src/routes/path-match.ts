/**
 * Path matching for `mojeid()`'s error handler: whether a request's URL is at or below the mount
 * path, as Express would route it (case-insensitive, the path ending at `/`, `?` or the end), so
 * that errors of the app's other pages go on to the app's own handler.
 */

/** Whether `url` (path and query) is `prefix` or below it; `prefix` is lower-case, without a trailing `/`. */
export function isUnderPath(url: string, prefix: string): boolean {
  if (url.length < prefix.length || url.slice(0, prefix.length).toLowerCase() !== prefix) return false;
  const after = url.charCodeAt(prefix.length);
  return Number.isNaN(after) || after === 0x2f /* / */ || after === 0x3f /* ? */;
}
