/**
 * CI's reproducible-build check: when the Rust toolchain is on the machine, rebuilding the module
 * from source must give exactly the committed `generated/` output. Installing the compiler
 * itself is left out (minutes of CI time); wasm-bindgen-cli is installed when missing.
 */
import { equal } from "node:assert/strict";
import { compilerPresent, detectToolchain } from "../toolchain.ts";

const toolchain = await detectToolchain();
const present = compilerPresent(toolchain);
if (!present) {
  console.log(
    `!!! protocol-wasm reproducible build NOT checked: ${toolchain.missing.join("; ")} — ` +
      "run `deno task build:wasm --install` to install the toolchain !!!",
  );
}

Deno.test({
  name: "deno task build:wasm --check rebuilds exactly the committed module",
  ignore: !present,
  async fn() {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../build.ts", import.meta.url).pathname, "--check", "--install"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    equal(out.code, 0, text.split("\n").slice(-15).join("\n"));
  },
});
