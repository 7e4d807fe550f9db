import { quoteIdentifier as quote } from '../quote-identifier';
import { type Measure } from '../routing/measured-client';
import { settledOnce } from '../settled-once';
import { type RawDriver } from './raw-drivers';
import { type RawStatement } from './raw-statement';

/** What a generated client knows of its models at run time (its `_runtimeDataModel`). */
export interface RuntimeDataModel {
  models: Record<string, { dbName?: string | null; schema?: string | null; fields: readonly { name: string; kind: string; dbName?: string | null }[] }>;
}

/** A model whose every column the drivers read as Prisma does: its table and scalar fields' columns, in Prisma's field order. */
interface ModelColumns {
  table: string;
  columns: ReadonlyMap<string, string>;
}

type Delegate = Record<string, (args: unknown) => Promise<unknown>>;
type Primitive = string | number | boolean;
type Equality = readonly [field: string, value: Primitive];

/**
 * Column types (OIDs) that both drivers read exactly as Prisma's model reads give them (with
 * raw-drivers.ts's parsers: int8 as bigint, numeric as Decimal, zone-less instants in UTC):
 * text-like, uuid, integers, floats, numeric, bool, timestamps, date and JSON, and arrays of the
 * ones whose arrays pg parses alike. Not bytea (pg answers a Buffer, Prisma a plain Uint8Array),
 * time (Prisma answers a Date), enums or arrays of int8, numeric and zone-less instants.
 */
const SAME_AS_PRISMA = new Set([
  25, 1043, 1042, 2950, 21, 23, 20, 700, 701, 1700, 16, 1184, 1114, 1082, 114, 3802,
  1009, 1015, 2951, 1005, 1007, 1000, 1021, 1022, 1185, 199, 3807,
]);

const COLUMN_TYPES = `SELECT a.attname AS "column", a.atttypid::int AS "type" FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`;

const isPrimitive = (value: unknown): value is Primitive => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/**
 * `findUnique` by equality on scalar fields — `{ where: { id } }`, a compound key such as
 * `{ where: { ownerId_scope_key: {...} } }`, extra equality filters, an optional `select` of
 * scalars — as one prepared SELECT straight on the driver, answering what Prisma answers.
 * Measured on this project's PostgreSQL: Prisma 7's `findUnique` of a user costs ~310 µs of client
 * CPU against ~85 µs for the same SELECT on pg (its request pipeline, query interpretation and
 * result mapping; the query plan itself is cached), so a primary-key read took ~1.75× raw pg.
 * Everything else — relations, operators, null, `findUniqueOrThrow`, a table with a column type
 * outside SAME_AS_PRISMA — goes to Prisma, as does a data error (e.g. an id that is no uuid), so
 * that Prisma reports it in its own terms.
 */
export class DirectUniqueReads {
  /** Each model's columns once its table's column types were checked (null: Prisma reads it); a failed check is made again. */
  private readonly models = new Map<string, Promise<ModelColumns | null>>();
  /** SQL text by model and call shape (where fields, selected fields). */
  private readonly texts = new Map<string, string>();

  constructor(
    private readonly dataModel: RuntimeDataModel,
    private readonly driver: RawDriver,
    private readonly measure: Measure,
  ) {}

  /** `delegate` (model `model`'s, e.g. `client.user` for `User`) with `findUnique` served here when it can be. */
  delegate(model: string, delegate: Delegate): Delegate {
    const prisma = (args: unknown) => delegate['findUnique']!(args);
    // Known after the first read: later reads wait for nothing before their statement.
    let known: ModelColumns | null | undefined;
    const findUnique = async (args: unknown) => {
      const columns = known !== undefined ? known : (known = await this.columnsOf(model));
      const statement = columns && this.statementFor(model, columns, args);
      if (!statement) return prisma(args);
      let rows: Record<string, unknown>[];
      try {
        ({ rows } = await this.measure('read', `${model}.findUnique`, () => this.driver(statement.raw)));
      } catch (error) {
        if (isDataError(error)) return prisma(args);
        throw error;
      }
      return rows[0] === undefined ? null : byFieldName(rows[0], statement.fields, columns.columns);
    };
    return new Proxy(delegate, {
      get: (target, operation) => (operation === 'findUnique' ? findUnique : Reflect.get(target, operation)),
    });
  }

  /** The statement answering `args`, or undefined when they ask for more than equalities and scalars. */
  private statementFor(model: string, columns: ModelColumns, args: unknown): { raw: RawStatement; fields: readonly string[] } | undefined {
    if (!isPlainObject(args)) return undefined;
    const { where, select, ...rest } = args;
    if (Object.keys(rest).length > 0 || !isPlainObject(where)) return undefined;
    const filters = equalities(where, columns.columns);
    const fields = selectedFields(select, columns.columns);
    if (!filters || !fields) return undefined;
    return { raw: { text: this.textFor(model, columns, filters, fields), values: filters.map(([, value]) => value) }, fields };
  }

  private textFor(model: string, { table, columns }: ModelColumns, filters: readonly Equality[], fields: readonly string[]): string {
    const key = `${model}|${filters.map(([field]) => field).join(',')}|${fields.join(',')}`;
    let text = this.texts.get(key);
    if (text === undefined) {
      const list = fields.map((field) => quote(columns.get(field)!)).join(', ');
      const conditions = filters.map(([field], index) => `${quote(columns.get(field)!)} = $${index + 1}`).join(' AND ');
      text = `SELECT ${list} FROM ${table} WHERE ${conditions} LIMIT 1`;
      this.texts.set(key, text);
    }
    return text;
  }

  private columnsOf(model: string): Promise<ModelColumns | null> {
    return settledOnce(this.models, model, () => this.inspect(model));
  }

  /** Reads the table's column types once: the model is served here only if every column reads as Prisma reads it. */
  private async inspect(model: string): Promise<ModelColumns | null> {
    const definition = this.dataModel.models[model];
    if (!definition) return null;
    const table = `${definition.schema ? `${quote(definition.schema)}.` : ''}${quote(definition.dbName ?? model)}`;
    const scalars = definition.fields.filter((field) => field.kind === 'scalar');
    const { rows } = await this.driver({ text: COLUMN_TYPES, values: [table] });
    const types = new Map(rows.map((row) => [row['column'] as string, row['type'] as number]));
    const columns = new Map(scalars.map((field) => [field.name, field.dbName ?? field.name]));
    const readable = [...columns.values()].every((column) => SAME_AS_PRISMA.has(types.get(column) ?? -1));
    return readable ? { table, columns } : null;
  }
}

/** `where` as field equalities, compound keys flattened; undefined for anything else (operators, null, relations). */
function equalities(where: Record<string, unknown>, columns: ReadonlyMap<string, string>): Equality[] | undefined {
  const filters: Equality[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (columns.has(key)) {
      if (!isPrimitive(value)) return undefined;
      filters.push([key, value]);
    } else if (isPlainObject(value)) {
      // A compound unique key (`a_b: { a, b }`): the typed client accepts only real ones.
      for (const [field, part] of Object.entries(value)) {
        if (!columns.has(field) || !isPrimitive(part)) return undefined;
        filters.push([field, part]);
      }
    } else {
      return undefined;
    }
  }
  return filters.length > 0 ? filters : undefined;
}

/** The fields a `select` of scalars asks for (every scalar without one); undefined for relations, counts or nothing selected. */
function selectedFields(select: unknown, columns: ReadonlyMap<string, string>): string[] | undefined {
  if (select === undefined) return [...columns.keys()];
  if (!isPlainObject(select)) return undefined;
  const fields: string[] = [];
  for (const [field, wanted] of Object.entries(select)) {
    if (!columns.has(field) || typeof wanted !== 'boolean') return undefined;
    if (wanted) fields.push(field);
  }
  return fields.length > 0 ? fields : undefined;
}

/** A row keyed by column names as Prisma answers it: by field names, in the selected order. */
function byFieldName(row: Record<string, unknown>, fields: readonly string[], columns: ReadonlyMap<string, string>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const field of fields) result[field] = row[columns.get(field)!];
  return result;
}

/** SQLSTATE class 22, data exception (e.g. an id that is no uuid): Prisma answers those its own way. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('22');
}
