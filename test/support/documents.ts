import type { DocumentSummary, Page, SearchResults } from '@agent-squad/contracts';
import { expectStatus } from './http';
import type { Session } from './session';
import { waitUntil } from './wait';

export async function addDocument(session: Session, squadId: string, title: string, content: string, headers: Record<string, string> = {}): Promise<DocumentSummary> {
  const response = await session.api.post<DocumentSummary>(`/v1/squads/${squadId}/documents`, { title, content }, { headers });
  expectStatus(response, 202);
  return response.body;
}

export async function listDocuments(session: Session, squadId: string): Promise<DocumentSummary[]> {
  const response = await session.api.get<Page<DocumentSummary>>(`/v1/squads/${squadId}/documents`);
  expectStatus(response, 200);
  return response.body.data;
}

/** Indexing runs in the background: polls the list (an eventually-consistent read) until the document is `ready`. */
export async function documentReady(session: Session, squadId: string, documentId: string): Promise<DocumentSummary> {
  const documents = await waitUntil(
    `document ${documentId} ready`,
    () => listDocuments(session, squadId),
    (list) => list.some((document) => document.id === documentId && document.status !== 'processing'),
    { timeoutMs: 20_000 },
  );
  return documents.find((document) => document.id === documentId)!;
}

export async function search(session: Session, squadId: string, query: string, limit?: number): Promise<SearchResults['results']> {
  const response = await session.api.post<SearchResults>(`/v1/squads/${squadId}/search`, limit === undefined ? { query } : { query, limit });
  expectStatus(response, 200);
  return response.body.results;
}
