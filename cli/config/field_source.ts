/**
 * Picking a field's value by mirrord's precedence: environment (flags and process), then the
 * file, then the default. `null` in the file means "unset", like a missing key.
 *
 * @module
 */
import { toList } from "../../schema/mod.ts";

/** A section of the parsed file, already checked against the schema. */
export type FileSection = Record<string, unknown>;

/**
 * The first value that is set.
 *
 * @param candidates values in precedence order
 * @returns the first that is neither undefined nor null, else undefined
 */
export function firstSet<T>(...candidates: (T | null | undefined)[]): T | undefined {
  return candidates.find((c) => c !== undefined && c !== null) ?? undefined;
}

/**
 * A section of the file as an object (a missing or `null` section reads as `{}`).
 *
 * @param value the section's value
 * @returns the object form
 */
export function section(value: unknown): FileSection {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as FileSection
    : {};
}

/**
 * A "one string or a list" value of the file, as a list.
 *
 * @param value the file value
 * @param splitSemicolons split a single string on `;` (env-style lists such as `include`)
 * @returns the list, or null when unset
 */
export function fileList(value: unknown, splitSemicolons = false): string[] | null {
  return toList(value as string | string[] | null | undefined, splitSemicolons);
}

/**
 * A file value of a given primitive type.
 *
 * @returns the value, or undefined when unset
 */
export function fileValue<T>(object: FileSection, key: string): T | undefined {
  const value = object[key];
  return value === null || value === undefined ? undefined : value as T;
}
