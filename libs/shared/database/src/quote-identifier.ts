/** A SQL identifier, quoted (schema, table and column names: from code or the catalog, never from users). */
export const quoteIdentifier = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;
