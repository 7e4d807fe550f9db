import { randomUUID } from 'node:crypto';
import type { DocumentSummary } from '@agent-squad/contracts';
import { addDocument, documentReady, listDocuments, search } from '../support/documents';
import { listMessages, runTask } from '../support/executions';
import { expectStatus } from '../support/http';
import { expectProblem } from '../support/problem';
import { signUp, type Session } from '../support/session';
import { createSquad } from '../support/squads';

const RUNBOOK = `# Deploy runbook

## Rollback
To roll back a failed deploy, run \`deploy rollback\` with the previous release tag. Rollbacks take about two minutes.

## Database migrations
Migrations run before the new release starts. A failed migration stops the deploy.`;

const RECIPES = `# Kitchen notes

Sourdough needs a starter fed twelve hours before baking. Bake at 250 degrees for forty minutes.`;

async function readyDocument(session: Session, squadId: string, title: string, content: string): Promise<DocumentSummary> {
  const document = await addDocument(session, squadId, title, content);
  expect(document).toEqual({ id: expect.any(String), title, status: 'processing', chunks: 0, createdAt: expect.any(String) });
  const ready = await documentReady(session, squadId, document.id);
  expect(ready.status).toBe('ready');
  return ready;
}

describe('documents and retrieval (RAG)', () => {
  it('indexes a document in the background and ranks its chunks for a query, best first', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    const runbook = await readyDocument(session, squad.id, 'Runbook', RUNBOOK);
    const recipes = await readyDocument(session, squad.id, 'Recipes', RECIPES);
    expect(runbook.chunks).toBeGreaterThanOrEqual(2); // one per section

    const results = await search(session, squad.id, 'how do I roll back a failed deploy?');
    expect(results.length).toBeGreaterThan(0);
    expect(results[0]).toEqual({ documentId: runbook.id, chunkId: expect.any(String), content: expect.stringContaining('deploy rollback'), score: expect.any(Number) });
    for (let index = 1; index < results.length; index++) expect(results[index]!.score).toBeLessThanOrEqual(results[index - 1]!.score);
    expect((await search(session, squad.id, 'sourdough baking temperature'))[0]!.documentId).toBe(recipes.id);
    expect(await search(session, squad.id, 'deploy', 1)).toHaveLength(1);
  });

  it('cites the chunks an execution used; once the document is deleted it is neither found nor cited', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 2);
    const runbook = await readyDocument(session, squad.id, 'Runbook', RUNBOOK);

    const first = await runTask(session, squad.id, 'Plan the rollback of a failed deploy');
    const cited = (await listMessages(session, first.execution.id)).flatMap((message) => message.citations ?? []);
    expect(cited.length).toBeGreaterThan(0);
    expect(cited.every((citation) => citation.documentId === runbook.id)).toBe(true);
    const found = (await search(session, squad.id, 'rollback')).map((hit) => hit.chunkId);
    expect(found).toEqual(expect.arrayContaining([cited[0]!.chunkId]));

    expectStatus(await session.api.delete(`/v1/squads/${squad.id}/documents/${runbook.id}`), 204);

    expect(await search(session, squad.id, 'rollback deploy')).toEqual([]);
    expect(await listDocuments(session, squad.id)).toEqual([]);
    const second = await runTask(session, squad.id, 'Plan the rollback of a failed deploy');
    for (const message of await listMessages(session, second.execution.id)) expect(message.citations).toBeUndefined();
  });

  it('answers a repeated Idempotency-Key with the first document', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    const key = randomUUID();
    const first = await addDocument(session, squad.id, 'Once', 'Only once.', { 'idempotency-key': key });
    const again = await addDocument(session, squad.id, 'Once', 'Only once.', { 'idempotency-key': key });
    expect(again.id).toBe(first.id);
    expect((await listDocuments(session, squad.id)).map((document) => document.id)).toEqual([first.id]);
  });

  it("keeps other users' squads and documents invisible: 404, and nothing changes", async () => {
    const alice = await signUp('Alice');
    const bob = await signUp('Bob');
    const squad = await createSquad(alice, 1);
    const bobSquad = await createSquad(bob, 1);
    const document = await readyDocument(alice, squad.id, 'Runbook', RUNBOOK);

    expectProblem(await bob.api.get(`/v1/squads/${squad.id}/documents`), 404);
    expectProblem(await bob.api.post(`/v1/squads/${squad.id}/documents`, { title: 'x', content: 'y' }), 404);
    expectProblem(await bob.api.post(`/v1/squads/${squad.id}/search`, { query: 'rollback' }), 404);
    expectProblem(await bob.api.delete(`/v1/squads/${squad.id}/documents/${document.id}`), 404);
    expectProblem(await bob.api.delete(`/v1/squads/${bobSquad.id}/documents/${document.id}`), 404);
    expect(await search(bob, bobSquad.id, 'rollback')).toEqual([]);

    expect(await listDocuments(alice, squad.id)).toEqual([document]);
    expect((await search(alice, squad.id, 'rollback')).length).toBeGreaterThan(0);
  });

  it('refuses bad input with 4xx problem+json and stores nothing', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    const documents = `/v1/squads/${squad.id}/documents`;

    expectProblem(await session.api.post(documents, { content: 'no title' }), 400, 'title');
    expectProblem(await session.api.post(documents, { title: 'empty', content: '   ' }), 400, 'content');
    expectProblem(await session.api.post(documents, { title: 't', content: 'c', extra: true }), 400);
    expectProblem(await session.api.post(documents, undefined, { raw: '{"title": ', contentType: 'application/json' }), 400);
    expectProblem(await session.api.post(`/v1/squads/not-a-uuid/documents`, { title: 't', content: 'c' }), 400, 'id');
    expectProblem(await session.api.post(`/v1/squads/${randomUUID()}/documents`, { title: 't', content: 'c' }), 404);
    expectProblem(await session.api.delete(`${documents}/not-a-uuid`), 400, 'docId');
    expectProblem(await session.api.delete(`${documents}/${randomUUID()}`), 404);
    expectProblem(await session.api.post(`/v1/squads/${squad.id}/search`, { query: '' }), 400, 'query');
    expectProblem(await session.api.post(`/v1/squads/${squad.id}/search`, { query: 'x', limit: 21 }), 400, 'limit');
    expectProblem(await session.api.post(`/v1/squads/${squad.id}/search`, { query: 'x', limit: 0 }), 400, 'limit');
    expect(await listDocuments(session, squad.id)).toEqual([]);
  });
});
