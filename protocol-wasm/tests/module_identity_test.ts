/** The versioned module: its identity, the refusal of a mismatched one, the tape contract. */
import { deepStrictEqual as assertEquals, equal, match, throws } from "node:assert/strict";
import { checkModuleIdentity, wasm } from "../_module.ts";
import { MODULE_VERSION, PROTOCOL_VERSION } from "../mod.ts";
import { OP } from "../tape_reader.ts";

Deno.test("checkModuleIdentity() accepts the loaded module, which reports both versions", () => {
  equal(wasm.module_version(), MODULE_VERSION);
  equal(wasm.protocol_version(), PROTOCOL_VERSION);
  equal(PROTOCOL_VERSION, "1.29.0");
  checkModuleIdentity(
    { module: wasm.module_version(), protocol: wasm.protocol_version() },
    { module: MODULE_VERSION, protocol: PROTOCOL_VERSION },
  );
});

Deno.test("checkModuleIdentity() refuses a mismatched module with both versions and the fix", () => {
  throws(
    () =>
      checkModuleIdentity({ module: "0.0.9", protocol: "1.28.0" }, {
        module: "0.1.0",
        protocol: "1.29.0",
      }),
    (e: unknown) => {
      match(
        String(e),
        /Cannot load protocol-wasm: the module reports version 0\.0\.9 \(protocol 1\.28\.0\)/,
      );
      match(String(e), /expects 0\.1\.0 \(protocol 1\.29\.0\)/);
      match(String(e), /deno task build:wasm/);
      return true;
    },
  );
});

Deno.test("the module folder is named after MODULE_VERSION, the crate version", async () => {
  const toml = await Deno.readTextFile(new URL("../Cargo.toml", import.meta.url));
  equal(toml.match(/^version = "([^"]+)"/m)?.[1], MODULE_VERSION);
  const stat = await Deno.stat(
    new URL(`../generated/v${MODULE_VERSION}/types.ts`, import.meta.url),
  );
  equal(stat.isFile, true);
});

Deno.test("tape_reader.ts OP equals the module's tape opcodes", () => {
  assertEquals(JSON.parse(wasm.tape_opcodes()), OP);
});
