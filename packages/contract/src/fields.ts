// Objects that leave a field out rather than hold it as undefined: what JSON, a record on disk or a
// CLI's arguments show differs. Imports nothing, so that a reader that loads no schema may use it
// (`@subagent-mcp/contract/fields`).

/** `T` with each field that may be undefined made optional and never undefined; the others as they are. */
export type DefinedFields<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/**
 * The fields of `fields` whose value is not undefined, in their order: `{ id, ...definedFields({ label, model }) }`
 * in place of one `...(label === undefined ? {} : { label })` per field.
 */
export function definedFields<T extends object>(fields: T): DefinedFields<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out as DefinedFields<T>;
}
