// A worker process that takes one job and never finishes it: the test SIGKILLs it mid-job.
import { Logger } from '@nestjs/common';
import { BullMqQueue } from '../bullmq/bullmq-queue';
import { defineQueue } from '../queue-contract';

const [url, prefix, lockMs, queueName] = process.argv.slice(2);
Logger.overrideLogger(false);
BullMqQueue.connect({ url, prefix, lockMs: Number(lockMs), concurrency: 1 })
  .then((queue) =>
    queue.process(defineQueue(queueName), (job) => {
      process.stdout.write(`taken ${job.id}\n`);
      return new Promise<void>(() => undefined);
    }),
  )
  .catch((error: unknown) => {
    process.stderr.write(`dying-worker: ${String(error)}\n`);
    process.exit(1);
  });
