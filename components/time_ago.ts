/**
 * "3 min ago": how long ago a moment was, as a person would say it. Pure, so pages and islands
 * say the same.
 *
 * @example
 * timeAgo(Date.parse("2025-01-01T12:00:00Z"), Date.parse("2025-01-01T12:05:00Z")); // "5 min ago"
 */
export function timeAgo(thenMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  return days === 1 ? "yesterday" : `${days} days ago`;
}
