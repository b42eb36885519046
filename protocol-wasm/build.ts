/**
 * `deno task build:wasm [--check] [--install]`: builds the protocol crate to
 * `wasm32-unknown-unknown`, binds it with wasm-bindgen and writes the versioned module plus its
 * generated TypeScript types into `protocol-wasm/generated/v<MODULE_VERSION>/`.
 *
 * Toolchain (see protocol-wasm/README.md): Debian `rustc-web` 1.96 + `rust-web-src`, std rebuilt
 * for wasm32 with `-Zbuild-std`, linked by rustup's `rust-lld`; `wasm-bindgen-cli` of the same
 * version as the crate. `--check` rebuilds into a scratch folder and fails when the committed
 * output differs (reproducible build); `--install` installs missing toolchain parts.
 *
 * @module
 */
import { renderTypes, type SchemaJson } from "./render_types.ts";
import { detectToolchain, installToolchain, type Toolchain } from "./toolchain.ts";

const CRATE_DIR = new URL(".", import.meta.url).pathname.replace(/\/$/, "");
const GENERATED_DIR = `${CRATE_DIR}/generated`;
const WASM_NAME = "mirrord_protocol_wasm";

async function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  const status = await new Deno.Command(cmd, { args, env, cwd: CRATE_DIR, stdin: "null" }).spawn()
    .status;
  if (!status.success) {
    throw new Error(
      `Cannot build the protocol module: "${cmd} ${args.join(" ")}" exited ${status.code}`,
    );
  }
}

/**
 * The crate version (MODULE_VERSION), read from Cargo.toml.
 *
 * @returns the version string
 */
export async function crateVersion(): Promise<string> {
  const toml = await Deno.readTextFile(`${CRATE_DIR}/Cargo.toml`);
  const match = toml.match(/^version = "([^"]+)"/m);
  if (!match) throw new Error("Cannot read the crate version: no version line in Cargo.toml");
  return match[1];
}

async function compileWasm(tc: Toolchain): Promise<string> {
  const home = Deno.env.get("HOME") ?? "/root";
  const cargoHome = Deno.env.get("CARGO_HOME") ?? `${home}/.cargo`;
  // Paths of this machine must not end up in the module, or builds would differ by checkout.
  const remap = [
    `--remap-path-prefix=${CRATE_DIR}=/protocol-wasm`,
    `--remap-path-prefix=${cargoHome}=/cargo`,
    `--remap-path-prefix=/usr/lib/rustlib/src/rust=/rust`,
  ].join(" ");
  await run(tc.cargo, [
    "build",
    "--locked",
    "--release",
    "--target",
    "wasm32-unknown-unknown",
    "-Zbuild-std=std,panic_abort",
  ], {
    RUSTC: tc.rustc,
    RUSTC_BOOTSTRAP: "1",
    RUSTFLAGS: remap,
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER: tc.rustLld,
  });
  return `${CRATE_DIR}/target/wasm32-unknown-unknown/release/${WASM_NAME}.wasm`;
}

async function writeGenerated(outDir: string): Promise<void> {
  const glue = await import(`file://${outDir}/${WASM_NAME}.js`);
  const schema: SchemaJson = JSON.parse(glue.describe());
  await Deno.writeTextFile(`${outDir}/schema.json`, JSON.stringify(schema, null, 1) + "\n");
  await Deno.writeTextFile(`${outDir}/types.ts`, renderTypes(schema));
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) out.push(...await listFiles(`${dir}/${entry.name}`, rel));
    else out.push(rel);
  }
  return out.sort();
}

async function sameTree(a: string, b: string): Promise<string[]> {
  const differences: string[] = [];
  const [filesA, filesB] = [await listFiles(a), await listFiles(b).catch(() => [] as string[])];
  for (const f of new Set([...filesA, ...filesB])) {
    const [x, y] = await Promise.all([
      Deno.readFile(`${a}/${f}`).catch(() => null),
      Deno.readFile(`${b}/${f}`).catch(() => null),
    ]);
    if (!x || !y || x.length !== y.length || x.some((byte, k) => byte !== y[k])) {
      differences.push(f);
    }
  }
  return differences;
}

/**
 * Builds the module into a scratch folder.
 *
 * @param tc the toolchain to use
 * @returns the scratch folder holding the complete output
 */
export async function buildInto(tc: Toolchain): Promise<string> {
  const wasm = await compileWasm(tc);
  const staging = await Deno.makeTempDir({ prefix: "protocol-wasm-" });
  await run(tc.wasmBindgen, ["--target", "deno", "--out-dir", staging, wasm]);
  await writeGenerated(staging);
  return staging;
}

async function main(args: string[]): Promise<number> {
  const version = await crateVersion();
  const target = `${GENERATED_DIR}/v${version}`;
  let tc = await detectToolchain();
  if (!tc.ok && args.includes("--install")) {
    await installToolchain(tc);
    tc = await detectToolchain();
  }
  if (!tc.ok) {
    console.error(
      `Cannot build the protocol module: ${
        tc.missing.join("; ")
      } — run \`deno task build:wasm --install\``,
    );
    return 1;
  }
  const started = Date.now();
  const staging = await buildInto(tc);
  try {
    if (args.includes("--check")) {
      const differences = await sameTree(staging, target);
      if (differences.length) {
        console.error(
          `Cannot confirm a reproducible build: rebuilt output differs from the committed ` +
            `protocol-wasm/generated/v${version} in ${differences.join(", ")} — rebuild with ` +
            "`deno task build:wasm` and commit, or bump the crate version for a new module",
        );
        return 1;
      }
      console.log(`protocol-wasm: rebuilt output equals the committed module v${version}`);
    } else {
      await Deno.remove(GENERATED_DIR, { recursive: true }).catch(() => {});
      await Deno.mkdir(GENERATED_DIR, { recursive: true });
      await run("cp", ["-r", staging, target]);
      console.log(`protocol-wasm: wrote protocol-wasm/generated/v${version}`);
    }
    console.log(`protocol-wasm: build took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await Deno.remove(staging, { recursive: true });
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
