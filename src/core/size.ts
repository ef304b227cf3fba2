/**
 * About how many bytes a plain value (as JSON would hold it, plus typed arrays) takes in memory: two bytes a
 * string character, eight a number, and a little for each object, array and key. For bounding caches by size,
 * not for accounting: it does not know what V8 shares or how it lays objects out.
 *
 * @example
 * approximateBytes({ task: 'fix the login test', steps: [] }); // 126
 */
export function approximateBytes(value: unknown): number {
  let bytes = 0;
  const stack: unknown[] = [value];
  // A value met twice (shared, or a cycle) counts once.
  const seen = new WeakSet<object>();
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'object' && item !== null) {
      if (seen.has(item)) continue;
      seen.add(item);
    }
    if (typeof item === 'string') bytes += 24 + 2 * item.length;
    else if (typeof item === 'number' || typeof item === 'bigint') bytes += 8;
    else if (typeof item === 'boolean' || item === null || item === undefined) bytes += 4;
    else if (ArrayBuffer.isView(item)) bytes += 64 + item.byteLength;
    else if (Array.isArray(item)) {
      bytes += 16 + 8 * item.length;
      for (const element of item) stack.push(element);
    } else if (item instanceof Map) {
      bytes += 64;
      for (const [key, element] of item) stack.push(key, element);
    } else if (typeof item === 'object') {
      bytes += 32;
      for (const key in item) {
        bytes += 16 + 2 * key.length;
        stack.push((item as Record<string, unknown>)[key]);
      }
    }
  }
  return bytes;
}
