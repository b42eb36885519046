/** Golden vectors from the real mirrord crates in ../shared/protocol-vectors/, when present. */
import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import { checkVectorFolder } from "./golden_vectors.ts";
import { KIND, wasm } from "../_module.ts";

const SHARED = new URL("../../../shared/protocol-vectors", import.meta.url).pathname;
const results = await checkVectorFolder(SHARED);
if (results === null) {
  console.log(`!!! no golden vectors at ${SHARED}: mirrord byte vectors NOT checked !!!`);
}

Deno.test({
  name: "checkVectorFolder() finds every golden vector of ../shared/protocol-vectors correct",
  ignore: results === null,
  fn() {
    const failed = results!.filter((r) => !r.ok).map((r) => `${r.file}: ${r.detail}`);
    assertEquals(failed, []);
    equal(results!.length > 0, true, "the folder exists but holds no vectors");
  },
});

Deno.test("checkVectorFolder() accepts right vectors and reports wrong ones", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/daemon`);
    await Deno.mkdir(`${dir}/client`);
    const env = '{"GetEnvVarsResponse":{"Ok":{"A":"1","B":"2"}}}';
    const reordered = new Uint8Array([
      ...wasm.encode_json(KIND.daemon, '{"GetEnvVarsResponse":{"Ok":{"B":"2","A":"1"}}}'),
    ]);
    await Deno.writeFile(`${dir}/daemon/env.bin`, reordered);
    await Deno.writeTextFile(`${dir}/daemon/env.json`, `{"kind":"daemon","value":${env}}`);
    // 2^53 written as a number by a generator that switches to strings only above it
    await Deno.writeFile(
      `${dir}/daemon/ping.bin`,
      new Uint8Array([0x0d, 0xfd, 0, 0, 0, 0, 0, 0, 0x20, 0]),
    );
    await Deno.writeTextFile(
      `${dir}/daemon/ping.json`,
      '{"kind":"daemon","value":{"OperatorPing":9007199254740992}}',
    );
    await Deno.writeFile(`${dir}/client/ping.bin`, new Uint8Array([0x07]));
    await Deno.writeTextFile(`${dir}/client/ping.json`, '{"kind":"client","value":"Close"}');
    const results = await checkVectorFolder(dir);
    assertEquals(results!.map((r) => [r.file, r.ok]), [
      ["client/ping.bin", false],
      ["daemon/env.bin", true],
      ["daemon/ping.bin", true],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkVectorFolder() answers null for a missing folder", async () => {
  equal(await checkVectorFolder("/nonexistent/protocol-vectors"), null);
});
