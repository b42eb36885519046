/**
 * Round-trip properties for every variant of every enum reachable from the four message kinds:
 * random values (seeded, from the module's own type description) survive
 * encode → streaming decode unchanged, and the codec tool's JSON form re-encodes to the same
 * bytes.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { KIND, type KindName, wasm } from "../_module.ts";
import type { SchemaJson } from "../render_types.ts";
import { Arbitrary, seededRandom } from "./arbitrary.ts";
import { KIND_CODECS } from "./kind_codecs.ts";

const schema: SchemaJson = JSON.parse(wasm.describe());
const SAMPLES_PER_VARIANT = 8;

for (const { kind, type } of schema.kinds) {
  const name = kind as KindName;
  const arbitrary = new Arbitrary(schema, seededRandom(0));
  const targets = arbitrary.targets(type);
  const enums = [...new Set(targets.map((t) => t.enumName))];
  for (const enumName of enums) {
    Deno.test(`encode/decode (${name}) round-trips every ${enumName} variant`, () => {
      for (const target of targets.filter((t) => t.enumName === enumName)) {
        for (let sample = 0; sample < SAMPLES_PER_VARIANT; sample++) {
          const seed = (sample * 7919 + target.variant.length * 104729) >>> 0;
          const value = new Arbitrary(schema, seededRandom(seed)).value(type, target);
          const where = `${enumName}::${target.variant}, seed ${seed}`;
          const bytes = KIND_CODECS[name].encode(value);
          const decoder = KIND_CODECS[name].decoder();
          decoder.push(bytes);
          assertEquals(decoder.next(), value, `facade round trip of ${where}`);
          assertEquals(decoder.next(), undefined);
          const body = KIND_CODECS[name].body(bytes);
          const json = wasm.decode_json(KIND[name], body);
          assertEquals(
            [...wasm.encode_json(KIND[name], json)],
            [...body],
            `JSON round trip of ${where}`,
          );
        }
      }
    });
  }
}

Deno.test("Arbitrary.targets() covers the variant counts of protocol.md Appendix A", () => {
  const count = (enumName: string) => {
    const root = schema.kinds.map((k) => k.type);
    const all = root.flatMap((t) => new Arbitrary(schema, seededRandom(1)).targets(t));
    return new Set(all.filter((t) => t.enumName === enumName).map((t) => t.variant)).size;
  };
  const expected: Record<string, number> = {
    ClientMessage: 18,
    DaemonMessage: 16,
    FileRequest: 30,
    FileResponse: 23,
    ResponseError: 14,
    ErrorKindInternal: 41,
    DaemonTcp: 8,
    LayerTcp: 4,
    LayerTcpSteal: 7,
    ChunkedRequest: 5,
    ChunkedResponse: 3,
    HttpFilter: 6,
    LayerToProxyMessage: 6,
    ProxyToLayerMessage: 7,
  };
  for (const [enumName, n] of Object.entries(expected)) assertEquals(count(enumName), n, enumName);
});
