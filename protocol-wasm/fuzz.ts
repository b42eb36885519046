/**
 * `deno task fuzz:protocol [inputs] [seed]`: feeds random and mutated inputs to every decoder
 * and encoder of the facade and checks that nothing but the documented outcomes happens:
 * a message, "need more" (`undefined`), a `ProtocolDecodeError`, or (encoders) a `TypeError`.
 * A decoded message must re-encode and decode to itself. Default: 1,000,000 inputs.
 *
 * @module
 */
import { KIND, type KindName, wasm } from "./_module.ts";
import { ProtocolDecodeError } from "./mod.ts";
import { KIND_CODECS } from "./tests/kind_codecs.ts";
import type { SchemaJson } from "./render_types.ts";
import { Arbitrary, seededRandom } from "./tests/arbitrary.ts";
import { deepStrictEqual } from "node:assert/strict";

/** Counts of one fuzz run. */
export interface FuzzReport {
  inputs: number;
  decoded: number;
  incomplete: number;
  corrupt: number;
  encodeRejected: number;
  crashes: string[];
  slowestMs: number;
}

const LIMIT = { maxMessageBytes: 1 << 20 };
const KINDS = Object.keys(KIND) as KindName[];

/**
 * Applies one to three random edits (bit flip, special byte, insertion, deletion, truncation).
 *
 * @param bytes a valid encoding
 * @param random source of randomness
 * @returns the edited copy
 */
export function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  const out = Array.from(bytes);
  const edits = 1 + Math.floor(random() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (out.length + 1));
    const pick = random();
    const special =
      [0x00, 0x01, 0x02, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff][Math.floor(random() * 9)];
    if (pick < 0.35 && out.length) out[at % out.length] ^= 1 << Math.floor(random() * 8);
    else if (pick < 0.55 && out.length) out[at % out.length] = special;
    else if (pick < 0.7) out.splice(at, 0, special);
    else if (pick < 0.85 && out.length) out.splice(at % out.length, 1);
    else out.length = Math.min(out.length, at);
  }
  return Uint8Array.from(out);
}

/** Replaces one leaf somewhere in a value by something of the wrong type. */
function mutateValue(value: unknown, random: () => number): unknown {
  const wrong = [undefined, null, "x", -1, 1.5, 2n ** 200n, new Uint8Array(2), [], {}, {
    A: 1,
    B: 2,
  }];
  if (
    value === null || typeof value !== "object" || value instanceof Uint8Array || random() < 0.2
  ) {
    return wrong[Math.floor(random() * wrong.length)];
  }
  const copy: Record<string, unknown> = Array.isArray(value) ? [...value] as never : { ...value };
  const keys = Object.keys(copy);
  if (!keys.length) return wrong[Math.floor(random() * wrong.length)];
  const key = keys[Math.floor(random() * keys.length)];
  copy[key] = mutateValue(copy[key], random);
  return copy;
}

function tryDecode(kind: KindName, bytes: Uint8Array, report: FuzzReport): void {
  const decoder = KIND_CODECS[kind].decoder(LIMIT);
  try {
    decoder.push(bytes);
    for (let m = decoder.next(); m !== undefined; m = decoder.next()) {
      report.decoded++;
      // Canonical round trip: what decodes must re-encode to something decoding to the same.
      const again = KIND_CODECS[kind].decoder(LIMIT);
      again.push(KIND_CODECS[kind].encode(m));
      deepStrictEqual(again.next(), m);
      again.free();
    }
    if (decoder.bufferedBytes > 0) report.incomplete++;
  } catch (e) {
    if (e instanceof ProtocolDecodeError) report.corrupt++;
    else {report.crashes.push(
        `${kind} decode of ${toHex(bytes)}: ${e instanceof Error ? e.stack : e}`,
      );}
  } finally {
    try {
      decoder.free();
    } catch (e) {
      report.crashes.push(`${kind} decoder unusable after ${toHex(bytes)}: ${e}`);
    }
  }
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Runs the fuzzer.
 *
 * @param inputs how many inputs to try
 * @param seed seed of the pseudo-random source
 * @returns the counts; `crashes` lists every input that did something undocumented
 */
export function fuzz(inputs: number, seed: number): FuzzReport {
  const schema: SchemaJson = JSON.parse(wasm.describe());
  const random = seededRandom(seed);
  const arbitrary = new Arbitrary(schema, random);
  const report: FuzzReport = {
    inputs: 0,
    decoded: 0,
    incomplete: 0,
    corrupt: 0,
    encodeRejected: 0,
    crashes: [],
    slowestMs: 0,
  };
  const valid: Record<KindName, Uint8Array[]> = { client: [], daemon: [], layer: [], proxy: [] };
  for (const kind of KINDS) {
    const ty = schema.kinds.find((k) => k.kind === kind)!.type;
    for (const target of arbitrary.targets(ty)) {
      valid[kind].push(KIND_CODECS[kind].encode(arbitrary.value(ty, target)));
    }
  }
  for (let i = 0; i < inputs; i++) {
    const kind = KINDS[i % 4];
    const started = performance.now();
    const pick = random();
    report.inputs++;
    if (pick < 0.25) {
      const bytes = Uint8Array.from(
        { length: Math.floor(random() * 48) },
        () => Math.floor(random() * 256),
      );
      tryDecode(kind, bytes, report);
    } else if (pick < 0.95) {
      const base = valid[kind][Math.floor(random() * valid[kind].length)];
      tryDecode(kind, mutate(base, random), report);
    } else {
      const ty = schema.kinds.find((k) => k.kind === kind)!.type;
      const value = mutateValue(arbitrary.value(ty), random);
      try {
        tryDecode(kind, KIND_CODECS[kind].encode(value), report);
      } catch (e) {
        if (e instanceof TypeError && e.message.startsWith("Cannot encode")) {
          report.encodeRejected++;
        } else report.crashes.push(`${kind} encode: ${e instanceof Error ? e.stack : e}`);
      }
    }
    report.slowestMs = Math.max(report.slowestMs, performance.now() - started);
  }
  return report;
}

if (import.meta.main) {
  const inputs = Number(Deno.args[0] ?? 1_000_000);
  const seed = Number(Deno.args[1] ?? Date.now() % 2 ** 31);
  const started = performance.now();
  const r = fuzz(inputs, seed);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `fuzz: ${r.inputs} inputs (seed ${seed}) in ${
      seconds.toFixed(1)
    } s — ${r.decoded} messages decoded, ` +
      `${r.incomplete} incomplete, ${r.corrupt} rejected as corrupt, ${r.encodeRejected} values ` +
      `rejected by encoders, slowest input ${
        r.slowestMs.toFixed(2)
      } ms, ${r.crashes.length} crashes`,
  );
  for (const c of r.crashes.slice(0, 10)) console.error(c);
  Deno.exit(r.crashes.length ? 1 : 0);
}
