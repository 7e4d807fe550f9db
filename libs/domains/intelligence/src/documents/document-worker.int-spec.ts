import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { ConfigModule, loadConfig, ROLES } from '@agent-squad/config';
import { DatabaseConnections, DatabaseModule } from '@agent-squad/database';
import { InlineQueue, JobQueue, QUEUES } from '@agent-squad/queue';
import { JobRecorder, ScratchDatabase } from '@agent-squad/testing';
import { IntelligenceDb } from '../intelligence-db';
import { Embeddings } from '../retrieval/embeddings';
import { Retriever } from '../retrieval/retriever';
import { VectorSupport } from '../retrieval/vector-support';
import { DocumentIndexer } from './document-indexer';
import { DocumentWorker } from './document-worker';


describe('DocumentWorker on PostgreSQL', () => {
  const database = new ScratchDatabase();
  const recorder = new JobRecorder();
  let moduleRef: TestingModule;
  let db: IntelligenceDb;

  beforeAll(async () => {
    const url = database.url;
    const config = loadConfig({ DATABASE_URL: url, JWT_SECRET: 'x'.repeat(32) }, ROLES);
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot()],
      providers: [
        { provide: IntelligenceDb, useFactory: (connections: DatabaseConnections) => connections.client('intelligence', IntelligenceDb), inject: [DatabaseConnections] },
        { provide: JobQueue, useValue: new InlineQueue({ concurrency: 2, retry: { attempts: 2, backoffMs: 5 }, observer: recorder }) },
        DocumentIndexer,
        DocumentWorker,
        Embeddings,
        Retriever,
        VectorSupport,
      ],
    }).compile();
    Logger.overrideLogger(false);
    await moduleRef.init();
    db = moduleRef.get(IntelligenceDb);
  });

  afterAll(async () => {
    await moduleRef.get(JobQueue).close();
    await moduleRef.close();
    await database.drop();
  });

  const stored = (createdAt: Date) =>
    db.document.create({ data: { ownerId: randomUUID(), squadId: randomUUID(), title: 'Runbook', content: '# Rollback\n\nRun deploy rollback.', createdAt } });

  it('queues again a document whose job was lost, and only that one', async () => {
    const lost = await stored(new Date(Date.now() - 20 * 60_000));
    const fresh = await stored(new Date());

    const indexed = recorder.next(QUEUES.documents.name);
    await moduleRef.get(DocumentWorker).redispatch();
    expect(await indexed).toBe('completed');

    expect(await db.document.findUniqueOrThrow({ where: { id: lost.id } })).toMatchObject({ status: 'ready', chunkCount: 1 });
    expect(await db.document.findUniqueOrThrow({ where: { id: fresh.id } })).toMatchObject({ status: 'processing' });
    const hits = await moduleRef.get(Retriever).search(lost.squadId, 'rollback', 5);
    expect(hits).toEqual([{ documentId: lost.id, chunkId: expect.any(String), content: 'Runbook > Rollback\n\nRun deploy rollback.', score: expect.any(Number) }]);
  });

  it('answers full-text searches asked for at once each from its own squad, within its own limit', async () => {
    const indexed = async (content: string) => {
      const document = await db.document.create({ data: { ownerId: randomUUID(), squadId: randomUUID(), title: 'Runbook', content } });
      const done = recorder.next(QUEUES.documents.name);
      await moduleRef.get(JobQueue).add(QUEUES.documents, { documentId: document.id });
      expect(await done).toBe('completed');
      return document;
    };
    const one = await indexed('# Rollback\n\nRun deploy rollback.');
    const two = await indexed('# Rollback\n\nRun deploy rollback.\n\n# Restore\n\nAfter a rollback, restore the backup.');
    const retriever = moduleRef.get(Retriever);
    // The first search runs at once; the others go together in the next statement.
    const [first, ...grouped] = await Promise.all([
      retriever.search(one.squadId, 'rollback', 5),
      retriever.search(two.squadId, 'rollback', 5),
      retriever.search(one.squadId, 'invoice', 5),
      retriever.search(two.squadId, 'rollback', 1),
      retriever.search(one.squadId, 'rollback', 5),
    ]);
    const documents = (hits: { documentId: string }[]) => hits.map((hit) => hit.documentId);
    expect(documents(first!)).toEqual([one.id]);
    expect(grouped.map(documents)).toEqual([[two.id, two.id], [], [two.id], [one.id]]);
    expect(grouped[0]![0]).toEqual(grouped[2]![0]);
    expect(grouped[0]![0]!.score).toBeGreaterThanOrEqual(grouped[0]![1]!.score);
  });

  it('leaves nothing behind for a document deleted before its job ran', async () => {
    const document = await stored(new Date());
    await db.document.delete({ where: { id: document.id } });
    const indexed = recorder.next(QUEUES.documents.name);
    await moduleRef.get(JobQueue).add(QUEUES.documents, { documentId: document.id });
    expect(await indexed).toBe('completed');
    expect(await db.documentChunk.count({ where: { documentId: document.id } })).toBe(0);
  });
});
