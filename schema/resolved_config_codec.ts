/**
 * The `MIRRORD_RESOLVED_CONFIG` format: base64 (standard alphabet, padded) of the resolved
 * config's JSON. Encoding writes every section in full with lists as arrays; decoding is
 * lenient the way mirrord's readers are: missing keys take their defaults, unknown keys are
 * ignored, and a single string is accepted wherever a list is expected.
 *
 * @module
 */
import type { ResolvedConfig } from "./resolved_config.ts";
import { defaultResolvedConfig } from "./resolved_defaults.ts";

/** The variable that carries the resolved config from the CLI to the intproxy and layer. */
export const RESOLVED_CONFIG_ENV = "MIRRORD_RESOLVED_CONFIG";

/** Thrown when `MIRRORD_RESOLVED_CONFIG` cannot be decoded; callers report it and exit. */
export class ResolvedConfigDecodeError extends Error {
  constructor(reason: string) {
    super(`Cannot decode ${RESOLVED_CONFIG_ENV}: ${reason} — it must come from "mirrord exec"`);
    this.name = "ResolvedConfigDecodeError";
  }
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text.trim());
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Encodes a resolved config for `MIRRORD_RESOLVED_CONFIG`.
 *
 * @param config the resolved config
 * @returns base64 (standard, padded) of its UTF-8 JSON
 * @example
 * ```ts
 * Deno.env.set(RESOLVED_CONFIG_ENV, encodeResolvedConfig(config));
 * ```
 */
export function encodeResolvedConfig(config: ResolvedConfig): string {
  return bytesToBase64(new TextEncoder().encode(JSON.stringify(config)));
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Fields whose default is `null` but whose value, when present, is an object kept whole. */
const WHOLE_VALUES = new Set([
  "key",
  "target.path",
  "agent.resources",
  "agent.security_context",
  "feature.split_queues",
  "feature.preview",
  "feature.network.incoming.http_filter.body_filter",
  "feature.network.outgoing.filter",
  "feature.network.dns.filter",
]);

function mergeOver(defaults: Json, value: Json, path: string): Json {
  if (!isObject(defaults) || !isObject(value) || WHOLE_VALUES.has(path)) return value;
  const merged: Record<string, Json> = { ...defaults };
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    merged[key] = key in defaults ? mergeOver(defaults[key], child, childPath) : child;
  }
  return merged;
}

/** List fields, by path; `true` means a single string is also split on `;`. */
const LIST_FIELDS: Record<string, boolean> = {
  "skip_processes": true,
  "skip_extra_build_tools": true,
  "sip_binaries": false,
  "skip_sip": true,
  "feature.env.include": true,
  "feature.env.exclude": true,
  "feature.env.unset": true,
  "feature.fs.read_write": false,
  "feature.fs.read_only": false,
  "feature.fs.local": false,
  "feature.fs.not_found": false,
  "feature.network.outgoing.unix_streams": false,
  "feature.network.outgoing.filter.remote": false,
  "feature.network.outgoing.filter.local": false,
  "feature.network.dns.filter.remote": false,
  "feature.network.dns.filter.local": false,
  "feature.network.incoming.http_filter.ports": false,
};

/**
 * Turns a "one value or a list" into a list.
 *
 * @param value a string, number, list or null
 * @param splitSemicolons split a single string on `;` (env-style lists)
 * @returns the list, or null for null
 */
export function toList<T extends string | number>(
  value: T | T[] | null | undefined,
  splitSemicolons = false,
): T[] | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value;
  if (typeof value === "string" && splitSemicolons) {
    return value.split(";").map((part) => part.trim()).filter(Boolean) as T[];
  }
  return [value];
}

function normalizeLists(root: Record<string, Json>): void {
  for (const [path, split] of Object.entries(LIST_FIELDS)) {
    const parts = path.split(".");
    let parent: Json = root;
    for (const part of parts.slice(0, -1)) parent = isObject(parent) ? parent[part] : null;
    const last = parts[parts.length - 1];
    if (isObject(parent) && last in parent) {
      parent[last] = toList(parent[last] as string | string[] | null, split) as Json;
    }
  }
}

/**
 * Decodes `MIRRORD_RESOLVED_CONFIG`.
 *
 * @param encoded the variable's value
 * @returns the resolved config, defaults filled in where keys are missing
 * @throws {ResolvedConfigDecodeError} when it is not base64 of a JSON object
 * @example
 * ```ts
 * const config = decodeResolvedConfig(Deno.env.get(RESOLVED_CONFIG_ENV) ?? "");
 * ```
 */
export function decodeResolvedConfig(encoded: string): ResolvedConfig {
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(encoded);
  } catch {
    throw new ResolvedConfigDecodeError("the value is not base64");
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new ResolvedConfigDecodeError(
      `the decoded text is not JSON (${(error as Error).message})`,
    );
  }
  if (!isObject(value)) throw new ResolvedConfigDecodeError("the decoded JSON is not an object");
  if (typeof value.key === "string") value.key = { Provided: value.key };
  const defaults = defaultResolvedConfig() as unknown as Json;
  const merged = mergeOver(defaults, value, "") as Record<string, Json>;
  normalizeLists(merged);
  return merged as unknown as ResolvedConfig;
}
