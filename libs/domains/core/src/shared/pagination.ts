import type { Page } from '@agent-squad/contracts';

/**
 * Keyset pagination: callers fetch `limit + 1` rows after the cursor; the extra row only tells
 * whether another page exists.
 */
export function toPage<Row, Item>(rows: Row[], limit: number, cursorOf: (row: Row) => string, map: (row: Row) => Item): Page<Item> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { data: pageRows.map(map), nextCursor: hasMore && last ? cursorOf(last) : null };
}
