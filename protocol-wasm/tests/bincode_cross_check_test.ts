/**
 * Differential check against the real bincode 2.0.1 and http-serde 2.1.1 crates: writes a corpus
 * of valid messages of every variant, their mutations and truncations, then runs the native
 * Rust test `cross_check` (src/cross_check.rs), where our decoder/encoder and bincode's derived
 * ones must agree on every input. Needs cargo; skipped loudly without it.
 */
import { equal, match } from "node:assert/strict";
import { wasm } from "../_module.ts";
import type { SchemaJson } from "../render_types.ts";
import { Arbitrary, seededRandom } from "./arbitrary.ts";
import { mutate } from "../fuzz.ts";
import { KIND_CODECS } from "./kind_codecs.ts";
import type { KindName } from "../_module.ts";

const HOME = Deno.env.get("HOME") ?? "/root";
const CARGO = [`${Deno.env.get("CARGO_HOME") ?? `${HOME}/.cargo`}/bin/cargo`, "/usr/bin/cargo"];
const cargo = CARGO.find((path) => {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
});
if (!cargo) console.log("!!! no cargo: the bincode 2.0.1 cross-check is NOT run !!!");

function corpus(): string {
  const schema: SchemaJson = JSON.parse(wasm.describe());
  const random = seededRandom(Number(Deno.env.get("CROSS_CHECK_SEED") ?? 424242));
  const arbitrary = new Arbitrary(schema, random);
  const lines: string[] = [];
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  for (const { kind, type } of schema.kinds) {
    for (const target of arbitrary.targets(type)) {
      for (let sample = 0; sample < 3; sample++) {
        const codec = KIND_CODECS[kind as KindName];
        const bytes = codec.body(codec.encode(arbitrary.value(type, target)));
        lines.push(`${kind} ${hex(bytes)}`);
        for (let m = 0; m < 12; m++) lines.push(`${kind} ${hex(mutate(bytes, random))}`);
        lines.push(`${kind} ${hex(bytes.subarray(0, Math.floor(random() * bytes.length)))}`);
      }
    }
    for (let r = 0; r < 500; r++) {
      const noise = Uint8Array.from(
        { length: Math.floor(random() * 24) },
        () => Math.floor(random() * 256),
      );
      lines.push(`${kind} ${hex(noise)}`);
    }
  }
  return lines.join("\n") + "\n";
}

Deno.test({
  name:
    "our codec agrees with bincode 2.0.1 and http-serde 2.1.1 on valid, mutated and truncated messages",
  ignore: !cargo,
  async fn() {
    const file = await Deno.makeTempFile({ suffix: ".corpus" });
    try {
      await Deno.writeTextFile(file, corpus());
      const out = await new Deno.Command(cargo!, {
        args: ["test", "--quiet", "--lib", "--", "--nocapture"],
        cwd: new URL("..", import.meta.url).pathname,
        env: { PROTOCOL_CORPUS: file },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      equal(out.code, 0, text.slice(-4000));
      match(
        text,
        /cross-check: \d+ inputs, \d+ decoded messages, our codec and bincode 2\.0\.1 agree/,
      );
      console.log(text.match(/cross-check: .*/)![0]);
    } finally {
      await Deno.remove(file);
    }
  },
});
