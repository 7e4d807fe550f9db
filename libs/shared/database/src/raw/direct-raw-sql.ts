import { type PrismaClientLike } from '../prisma-client';
import { type Measure } from '../routing/measured-client';
import { DirectUniqueReads, type RuntimeDataModel } from './direct-unique-reads';
import { type RawDriver } from './raw-drivers';
import { fromTemplate, fromText, type RawStatement } from './raw-statement';

type Raw = (...args: unknown[]) => Promise<unknown>;

const isTemplate = (value: unknown): value is TemplateStringsArray => Array.isArray(value) && Array.isArray((value as { raw?: unknown }).raw);

/**
 * `client` with its raw SQL members (`$queryRaw`, `$executeRaw` and their `Unsafe` forms) run
 * straight on the database driver, answering as Prisma would (see raw-drivers.ts). Measured here:
 * a statement through Prisma's engine cost ~145 µs of client CPU against ~40 µs on pg itself, and
 * the hot paths (execution claims, step checkpoints, admission) are raw SQL. So are models'
 * simple `findUnique` reads (see direct-unique-reads.ts). Everything else — other model
 * operations, transactions and the raw SQL run inside them — stays Prisma's. A `Prisma.sql`
 * object (not a tagged template) also goes to Prisma.
 */
export function withDirectRawSql<T extends PrismaClientLike>(client: T, driver: RawDriver, measure: Measure): T {
  const run = (operation: string, statement: RawStatement) => measure('write', operation, () => driver(statement));
  const members: Record<string, (prisma: Raw) => Raw> = {
    $queryRaw: (prisma) => (strings, ...values) => (isTemplate(strings) ? run('$queryRaw', fromTemplate(strings, values)).then((result) => result.rows) : prisma(strings, ...values)),
    $executeRaw: (prisma) => (strings, ...values) => (isTemplate(strings) ? run('$executeRaw', fromTemplate(strings, values)).then((result) => result.rowCount) : prisma(strings, ...values)),
    $queryRawUnsafe: () => (text, ...values) => run('$queryRawUnsafe', fromText(text as string, values)).then((result) => result.rows),
    $executeRawUnsafe: () => (text, ...values) => run('$executeRawUnsafe', fromText(text as string, values)).then((result) => result.rowCount),
  };
  const direct = new Map<PropertyKey, unknown>();
  for (const [name, make] of Object.entries(members)) direct.set(name, make((client as unknown as Record<string, Raw>)[name]!.bind(client)));
  const dataModel = (client as { _runtimeDataModel?: RuntimeDataModel })._runtimeDataModel;
  if (dataModel) {
    const reads = new DirectUniqueReads(dataModel, driver, measure);
    for (const model of Object.keys(dataModel.models)) {
      // Prisma names a model's delegate after it, first letter in lower case (`ApiKey` → `apiKey`).
      const key = `${model[0]!.toLowerCase()}${model.slice(1)}`;
      direct.set(key, reads.delegate(model, (client as unknown as Record<string, Parameters<DirectUniqueReads['delegate']>[1]>)[key]!));
    }
  }
  return new Proxy(client, {
    get(target, member) {
      const value: unknown = direct.get(member) ?? Reflect.get(target, member);
      // Prisma's own members run on the client itself, not on this proxy.
      return typeof value === 'function' && !direct.has(member) ? (value as Raw).bind(target) : value;
    },
  });
}
