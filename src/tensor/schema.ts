// What a zod schema expects, in words, and one-line messages for a failed parse, so that every
// entry point (run and model configurations, reducer options, the CLI's flags) words a bad value
// the same way, "<name> must be <expected>, got <value>", with the bounds read from the schema.
import type { z } from 'zod';

interface CheckDef {
  check: string;
  value?: number;
  inclusive?: boolean;
  format?: string;
  minimum?: number;
  maximum?: number;
}

interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  entries?: Record<string, string>;
  checks?: { _zod: { def: CheckDef } }[];
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
const checksOf = (schema: z.ZodType) => (defOf(schema).checks ?? []).map((check) => check._zod.def);

/** The schema inside optional/default/nullable wrappers. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let def = defOf(current); ['optional', 'default', 'nullable', 'prefault'].includes(def.type) && def.innerType; def = defOf(current)) current = def.innerType;
  return current;
}

/** The enum's values, or undefined when the schema is not an enum. */
export function enumValues(schema: z.ZodType): string[] | undefined {
  const def = defOf(unwrapSchema(schema));
  return def.type === 'enum' && def.entries ? Object.values(def.entries) : undefined;
}

/** 'number', 'boolean', 'enum', 'string', 'array', ... of the unwrapped schema. */
export function schemaType(schema: z.ZodType): string {
  return defOf(unwrapSchema(schema)).type;
}

/** "a positive integer", "a number in (0, 10]", "one of mse, bce", "true or false", ... */
export function expectedText(schema: z.ZodType): string {
  const inner = unwrapSchema(schema);
  const described = schema.description ?? inner.description;
  if (described) return described;
  const def = defOf(inner);
  switch (def.type) {
    case 'number':
      return numberText(checksOf(inner));
    case 'enum':
      return `one of ${enumValues(inner)!.join(', ')}`;
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'a string';
    case 'array': {
      const nonEmpty = checksOf(inner).some((check) => check.check === 'min_length' && (check.minimum ?? 0) > 0);
      const element = expectedText(def.element!).replace(/^an? /, '').replace(/^(number|integer)/, '$1s');
      return `a ${nonEmpty ? 'non-empty ' : ''}list of ${element}`;
    }
    default:
      return `a valid ${def.type}`;
  }
}

function numberText(checks: CheckDef[]): string {
  const integer = checks.some((check) => check.check === 'number_format' && /int/.test(check.format ?? ''));
  const low = checks.find((check) => check.check === 'greater_than');
  const high = checks.find((check) => check.check === 'less_than');
  const kind = integer ? 'integer' : 'number';
  if (!high || high.value! >= Number.MAX_SAFE_INTEGER) {
    if (low?.value === 0) return low.inclusive ? `a non-negative ${kind}` : `a positive ${kind}`;
    if (low?.value === 1 && integer && low.inclusive) return 'a positive integer';
    if (low) return `${integer ? 'an' : 'a'} ${kind} ${low.inclusive ? 'of at least' : 'above'} ${low.value}`;
    return integer ? 'an integer' : 'a finite number';
  }
  if (integer && low?.inclusive && high.inclusive) return `an integer from ${low.value} to ${high.value}`;
  const left = low ? `${low.inclusive ? '[' : '('}${low.value}` : '(-∞';
  return `${integer ? 'an integer' : 'a number'} in ${left}, ${high.value}${high.inclusive ? ']' : ')'}`;
}

/** A value as a message quotes it: strings in single quotes, numbers as written; always one line. */
export function showValue(value: unknown): string {
  // JSON's escapes keep a message on one line whatever the value holds (a newline, an escape code)
  if (typeof value === 'string') return `'${JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"')}'`;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return (JSON.stringify(value) ?? String(value)).replace(/"/g, "'");
}

/**
 * One line for the first issue of an object schema's failed parse: "<label> must be <expected>,
 * got <value>"; a refinement's own message as it is. `label` names a key as the user wrote it
 * (a CLI flag, a key in a file); the key itself by default.
 */
export function issueText(shape: Record<string, z.ZodType>, issue: z.core.$ZodIssue, input: Record<string, unknown>, label: (key: string) => string = (key) => key): string {
  if (issue.code === 'custom') return issue.message;
  if (issue.code === 'unrecognized_keys') return `unknown option ${issue.keys.map((key) => `'${label(key)}'`).join(', ')}`;
  const key = String(issue.path[0] ?? '');
  const field = shape[key];
  if (!field) return `${label(key)}: ${issue.message}`;
  return `${label(key)} must be ${expectedText(field)}, got ${showValue(input[key])}`;
}
