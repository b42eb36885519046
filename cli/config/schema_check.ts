/**
 * Checks a parsed config against our JSON Schema and explains each failure the way a person
 * fixes it: the JSON path, what was expected, what was found, and "did you mean" for a
 * misspelled key or value. ajv reports every failing branch of every `anyOf`; this keeps, per
 * value, only the errors of the branches that came closest.
 *
 * @module
 */
import type { ErrorObject } from "ajv";
import { closest, distance } from "fastest-levenshtein";
import { buildConfigSchema } from "../../schema/mod.ts";
import type { ConfigProblem } from "./config_error.ts";
import { compileConfigSchema, type ConfigValidator } from "./schema_validator.ts";

let validator: ConfigValidator | undefined;

function ourValidator(): ConfigValidator {
  validator ??= compileConfigSchema(buildConfigSchema());
  return validator;
}

/**
 * Dotted form of a JSON pointer: `/feature/network/incoming/port_mapping/0` →
 * `feature.network.incoming.port_mapping[0]`.
 *
 * @param pointer a JSON pointer
 * @returns the path users read
 */
export function dottedPath(pointer: string): string {
  let out = "";
  for (const raw of pointer.split("/").slice(1)) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/**
 * The closest candidate, when it is close enough to be a likely typo.
 *
 * @param word what was written
 * @param candidates what would have been accepted
 * @returns the suggestion, or undefined
 */
export function didYouMean(word: string, candidates: string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(word.toLowerCase(), candidates);
  const limit = Math.max(2, Math.floor(best.length / 3));
  return distance(word.toLowerCase(), best.toLowerCase()) <= limit ? best : undefined;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  return typeof value === "number" && Number.isInteger(value) ? "integer" : typeof value;
}

const TYPE_WORDS: Record<string, string> = { array: "list", object: "object" };

function joinOr(words: string[]): string {
  if (words.length <= 1) return words[0] ?? "";
  return `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

function unknownKeyProblems(path: string, errors: ErrorObject[]): ConfigProblem[] {
  const bySchema = new Map<unknown, Set<string>>();
  const allowed = new Set<string>();
  for (const error of errors) {
    const keys = bySchema.get(error.parentSchema) ?? new Set<string>();
    keys.add(String(error.params.additionalProperty));
    bySchema.set(error.parentSchema, keys);
    const properties = (error.parentSchema as { properties?: Record<string, unknown> }).properties;
    for (const key of Object.keys(properties ?? {})) allowed.add(key);
  }
  const sets = [...bySchema.values()];
  const unknown = [...sets[0]].filter((key) => sets.every((set) => set.has(key)));
  if (unknown.length === 0 && sets.length > 1) {
    const keys = [...new Set(sets.flatMap((set) => [...set]))].map((k) => `"${k}"`);
    return [{
      path,
      message: `the keys ${keys.join(" and ")} cannot be used together`,
      hint: "keep one",
    }];
  }
  return unknown.map((key) => {
    const suggestion = didYouMean(key, [...allowed].filter((k) => !unknown.includes(k)));
    const keyPath = path ? `${path}.${key}` : key;
    return {
      path: keyPath,
      message: `unknown key "${key}"`,
      hint: suggestion
        ? `did you mean "${suggestion}"?`
        : `known keys here: ${[...allowed].sort().join(", ")}`,
    };
  });
}

function choiceProblem(path: string, errors: ErrorObject[], data: unknown): ConfigProblem {
  const values = new Set<string>();
  for (const error of errors) {
    if (error.keyword === "const") values.add(JSON.stringify(error.params.allowedValue));
    else for (const v of error.params.allowedValues as unknown[]) values.add(JSON.stringify(v));
  }
  const choices = [...values];
  const suggestion = typeof data === "string"
    ? didYouMean(data, choices.map((c) => JSON.parse(c)).filter((c) => typeof c === "string"))
    : undefined;
  return {
    path,
    message: `expected one of ${choices.join(", ")}; found ${describeValue(data)}`,
    hint: suggestion ? `did you mean "${suggestion}"?` : undefined,
  };
}

function typeProblem(path: string, errors: ErrorObject[], data: unknown): ConfigProblem {
  const types = new Set<string>();
  for (const error of errors) {
    const t = error.params.type as string | string[];
    for (const one of Array.isArray(t) ? t : t.split(",")) types.add(one);
  }
  if (types.size > 1) types.delete("null");
  const words = [...types].map((t) => TYPE_WORDS[t] ?? t);
  return {
    path,
    message: `expected ${joinOr(words)}; found ${typeName(data)} ${describeValue(data)}`.replace(
      /found (list|object) (a list|an object)$/,
      "found $2",
    ),
  };
}

function missingKeyProblem(path: string, errors: ErrorObject[]): ConfigProblem {
  const keys = [...new Set(errors.map((e) => String(e.params.missingProperty)))];
  const message = keys.length === 1
    ? `missing key "${keys[0]}"`
    : `needs one of the keys ${keys.map((k) => `"${k}"`).join(", ")}`;
  return { path, message };
}

function otherProblem(path: string, error: ErrorObject, data: unknown): ConfigProblem {
  if (error.keyword === "format") {
    const format = String(error.params.format);
    const range = /^uint(\d+)$/.exec(format);
    const expected = range
      ? `a whole number from 0 to ${2 ** Number(range[1]) - 1}`
      : `a valid ${format}`;
    return { path, message: `expected ${expected}; found ${describeValue(data)}` };
  }
  const limit = error.params.limit;
  const count = Array.isArray(data) ? `${data.length} items` : describeValue(data);
  const expected: Record<string, string> = {
    maximum: `at most ${limit}`,
    minimum: `at least ${limit}`,
    maxItems: `at most ${limit} items`,
    minItems: `at least ${limit} items`,
  };
  const text = expected[error.keyword];
  if (text) return { path, message: `expected ${text}; found ${count}` };
  return { path, message: `${error.message ?? "is invalid"}; found ${describeValue(data)}` };
}

function problemsAt(path: string, errors: ErrorObject[]): ConfigProblem[] {
  const data = errors[0].data;
  const of = (keyword: string) => errors.filter((e) => e.keyword === keyword);
  if (of("additionalProperties").length) {
    const problems = unknownKeyProblems(path, of("additionalProperties"));
    if (problems.length) return problems;
  }
  if (of("required").length && of("additionalProperties").length === 0) {
    return [missingKeyProblem(path, of("required"))];
  }
  const choices = errors.filter((e) =>
    (e.keyword === "const" && typeof e.params.allowedValue === typeof data) ||
    (e.keyword === "enum" &&
      (e.params.allowedValues as unknown[]).some((v) => typeof v === typeof data))
  );
  if (choices.length) return [choiceProblem(path, choices, data)];
  const rest = errors.filter((e) =>
    !["type", "required", "additionalProperties", "const", "enum"].includes(e.keyword)
  );
  if (rest.length) return [otherProblem(path, rest[0], data)];
  if (of("type").length) return [typeProblem(path, of("type"), data)];
  return [missingKeyProblem(path, of("required"))];
}

/**
 * Turns ajv's errors into one problem per wrong value, keeping only the deepest failures.
 *
 * @param errors ajv errors of a validator compiled with `allErrors` and `verbose`
 * @returns problems in document order
 */
export function explainSchemaErrors(errors: ErrorObject[]): ConfigProblem[] {
  const leaves = errors.filter((e) => !["anyOf", "oneOf", "false schema"].includes(e.keyword));
  // An unknown key is located at the key itself, so it is as deep as errors beside it.
  const location = (e: ErrorObject) =>
    e.keyword === "additionalProperties"
      ? `${e.instancePath}/${
        String(e.params.additionalProperty).replace(/~/g, "~0").replace(/\//g, "~1")
      }`
      : e.instancePath;
  const locations = [...new Set(leaves.map(location))];
  const deepest = new Set(
    locations.filter((p) => !locations.some((q) => q !== p && q.startsWith(`${p}/`))),
  );
  const kept = leaves.filter((e) => deepest.has(location(e)));
  const pointers = [...new Set(kept.map((e) => e.instancePath))];
  return pointers.flatMap((pointer) =>
    problemsAt(dottedPath(pointer), kept.filter((e) => e.instancePath === pointer))
  );
}

/**
 * Validates a parsed config file against our schema.
 *
 * @param value the parsed file
 * @returns the problems; empty when the file is valid
 * @example
 * ```ts
 * checkAgainstSchema({ feature: { netwrok: true } });
 * // [{ path: "feature.netwrok", message: 'unknown key "netwrok"', hint: 'did you mean "network"?' }]
 * ```
 */
export function checkAgainstSchema(value: unknown): ConfigProblem[] {
  const validate = ourValidator();
  if (validate(value)) return [];
  return explainSchemaErrors(validate.errors ?? []);
}
