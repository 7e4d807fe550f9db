import Fastify from 'fastify';

/**
 * Child-process entry: the smallest useful Fastify app (one GET returning a small JSON object, no
 * logging), so the bench has a ceiling for "an HTTP request on this machine with this load
 * generator". It prints its port on stdout once listening.
 */
async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.get('/hello', async () => ({ hello: 'world', ok: true }));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`listening ${new URL(address).port}\n`);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
