/**
 * Checks golden vectors generated from the real mirrord crates: `<dir>/<kind>/<name>.bin` holds a
 * message's bytes and `<name>.json` `{"kind", "value"}` its codec-tool JSON. Decoding the bytes
 * must give the value and re-encoding the value must give the bytes — except that hash-ordered
 * maps and sets may come out in another order (same length, same decoded value).
 *
 * @module
 */
import { deepStrictEqual } from "node:assert/strict";
import { KIND, type KindName, wasm } from "../_module.ts";

/** One vector's outcome. */
export interface VectorResult {
  file: string;
  ok: boolean;
  detail: string;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/**
 * Integers as bigint whether written as numbers or decimal strings, so a vector that switches to
 * strings at another boundary than ours (2^53 − 1) still compares by value.
 */
function integersAsBigint(v: unknown): unknown {
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  if (typeof v === "string" && /^-?\d+$/.test(v)) return BigInt(v);
  if (Array.isArray(v)) return v.map(integersAsBigint);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, integersAsBigint(x)]));
  }
  return v;
}

function check(kind: KindName, bytes: Uint8Array, expected: unknown): string | null {
  const decoded = JSON.parse(wasm.decode_json(KIND[kind], bytes));
  try {
    deepStrictEqual(integersAsBigint(decoded), integersAsBigint(expected));
  } catch {
    return `decodes to ${JSON.stringify(decoded)}`;
  }
  const again = wasm.encode_json(KIND[kind], JSON.stringify(expected));
  if (again.length === bytes.length && again.every((b, i) => b === bytes[i])) return null;
  if (again.length !== bytes.length) return "re-encodes to different bytes";
  try {
    deepStrictEqual(
      integersAsBigint(JSON.parse(wasm.decode_json(KIND[kind], again))),
      integersAsBigint(decoded),
    );
    return null;
  } catch {
    return "re-encodes to different bytes";
  }
}

/**
 * Checks every vector pair in a folder.
 *
 * @param dir the vectors folder (with client/, daemon/, layer/, proxy/ inside)
 * @returns one result per `.bin` file, or `null` when the folder does not exist
 */
export async function checkVectorFolder(dir: string): Promise<VectorResult[] | null> {
  if (!await exists(dir)) return null;
  const results: VectorResult[] = [];
  for (const kind of Object.keys(KIND) as KindName[]) {
    if (!await exists(`${dir}/${kind}`)) continue;
    for await (const entry of Deno.readDir(`${dir}/${kind}`)) {
      if (!entry.name.endsWith(".bin")) continue;
      const file = `${kind}/${entry.name}`;
      const base = `${dir}/${kind}/${entry.name.slice(0, -4)}`;
      try {
        const bytes = await Deno.readFile(`${base}.bin`);
        const vector = JSON.parse(await Deno.readTextFile(`${base}.json`));
        if (vector.kind !== kind) {
          results.push({ file, ok: false, detail: `kind "${vector.kind}" in a ${kind}/ vector` });
          continue;
        }
        const problem = check(kind, bytes, vector.value);
        results.push({ file, ok: problem === null, detail: problem ?? "ok" });
      } catch (e) {
        results.push({ file, ok: false, detail: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  return results.sort((a, b) => a.file.localeCompare(b.file));
}
