import { type Page } from '@agent-squad/contracts';
import { type Api, expectStatus, type HttpResponse } from './http';

export interface Paged<T> {
  items: T[];
  pages: Page<T>[];
}

/** Follows `nextCursor` from the first page to the last (bounded), keeping every page. */
export async function readAllPages<T>(api: Api, path: string, limit: number, maxPages = 100): Promise<Paged<T>> {
  const pages: Page<T>[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const query: string = `${separator}limit=${limit}` + (cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`);
    const response: HttpResponse<Page<T>> = await api.get<Page<T>>(path + query);
    expectStatus(response, 200);
    pages.push(response.body);
    cursor = response.body.nextCursor;
    if (pages.length > maxPages) throw new Error(`${path}: more than ${maxPages} pages, the cursor does not advance`);
  } while (cursor !== null);
  return { items: pages.flatMap((page) => page.data), pages };
}
