/** One raw SQL statement with its parameters, as a driver takes it. */
export interface RawStatement {
  text: string;
  values: unknown[];
}

/** The text of each tagged template's call site (its strings array is the same object on every call). */
const texts = new WeakMap<TemplateStringsArray, string>();

/** Prisma's `$queryRaw` tagged-template form: `${value}` placeholders become `$1`, `$2`, ... */
export function fromTemplate(strings: TemplateStringsArray, values: readonly unknown[]): RawStatement {
  let text = texts.get(strings);
  if (text === undefined) {
    text = strings.reduce((sql, piece, index) => `${sql}$${index}${piece}`);
    texts.set(strings, text);
  }
  return { text, values: values.map(toParameter) };
}

/** `$queryRawUnsafe`'s form: the text with its own `$n` placeholders, and the values. */
export function fromText(text: string, values: readonly unknown[]): RawStatement {
  return { text, values: values.map(toParameter) };
}

/** Values as Prisma sends them: instants in ISO 8601 (UTC, whatever the process's time zone), also inside arrays. */
function toParameter(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toParameter);
  return value;
}
