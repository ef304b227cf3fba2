/**
 * A day (`2026-11-29`) stands for its whole length in UTC: from its first millisecond as a lower bound, to its
 * last as an upper bound. A full ISO time passes unchanged (the facade checks it).
 */
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function startOfDay(value: string): string {
  return DAY.test(value) ? `${value}T00:00:00.000Z` : value;
}

export function endOfDay(value: string): string {
  return DAY.test(value) ? `${value}T23:59:59.999Z` : value;
}
