/**
 * Finds (and on request installs) the toolchain that builds the protocol module: Debian
 * `rustc-web` 1.96 with `rust-web-src` (std source for `-Zbuild-std`), rustup's `rust-lld` as
 * the wasm linker, and `wasm-bindgen-cli` pinned to the crate's wasm-bindgen version.
 *
 * @module
 */

/** wasm-bindgen-cli must equal the wasm-bindgen crate pinned in Cargo.toml. */
export const WASM_BINDGEN_VERSION = "0.2.130";
/** Debian packages of the compiler and std source. */
export const DEBIAN_PACKAGES = ["rustc-web", "cargo-web", "rust-web-src"];
const STD_SOURCE = "/usr/lib/rustlib/src/rust/library/Cargo.lock";

/** What was found. */
export interface Toolchain {
  ok: boolean;
  missing: string[];
  rustc: string;
  cargo: string;
  rustLld: string;
  wasmBindgen: string;
  /** rustup's cargo, used to install wasm-bindgen-cli */
  rustupCargo: string;
}

async function output(cmd: string, args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/**
 * Looks for every part of the toolchain.
 *
 * @returns paths and the list of missing parts
 */
export async function detectToolchain(): Promise<Toolchain> {
  const home = Deno.env.get("HOME") ?? "/root";
  const cargoBin = `${Deno.env.get("CARGO_HOME") ?? `${home}/.cargo`}/bin`;
  const tc: Toolchain = {
    ok: false,
    missing: [],
    rustc: "/usr/bin/rustc",
    cargo: "/usr/bin/cargo",
    rustLld: "",
    wasmBindgen: `${cargoBin}/wasm-bindgen`,
    rustupCargo: `${cargoBin}/cargo`,
  };
  const rustcVersion = await output(tc.rustc, ["--version"]);
  if (!rustcVersion?.startsWith("rustc 1.96")) {
    tc.missing.push(`Debian rustc-web 1.96 at /usr/bin/rustc (found: ${rustcVersion ?? "none"})`);
  }
  if (!await output(tc.cargo, ["--version"])) tc.missing.push("Debian cargo-web at /usr/bin/cargo");
  if (!await exists(STD_SOURCE)) tc.missing.push("Debian rust-web-src (std source)");
  const sysroot = await output(`${cargoBin}/rustc`, ["--print", "sysroot"]);
  tc.rustLld = `${sysroot}/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld`;
  if (!sysroot || !await exists(tc.rustLld)) tc.missing.push("rustup's rust-lld (wasm linker)");
  const bindgen = await output(tc.wasmBindgen, ["--version"]);
  if (bindgen !== `wasm-bindgen ${WASM_BINDGEN_VERSION}`) {
    tc.missing.push(`wasm-bindgen-cli ${WASM_BINDGEN_VERSION} (found: ${bindgen ?? "none"})`);
  }
  tc.ok = tc.missing.length === 0;
  return tc;
}

/**
 * Whether the parts that cannot be installed from crates.io are present; CI rebuilds the
 * module only then (installing the compiler would cost minutes of its budget).
 *
 * @param tc a detected toolchain
 * @returns true when only wasm-bindgen-cli, at most, is missing
 */
export function compilerPresent(tc: Toolchain): boolean {
  return tc.missing.every((m) => m.startsWith("wasm-bindgen-cli"));
}

async function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  const status = await new Deno.Command(cmd, { args, env, stdin: "null" }).spawn().status;
  if (!status.success) {
    throw new Error(
      `Cannot install the toolchain: "${cmd} ${args.join(" ")}" exited ${status.code}`,
    );
  }
}

/**
 * Installs the missing parts: Debian packages (as root) and wasm-bindgen-cli from crates.io.
 *
 * @param tc a detected toolchain
 */
export async function installToolchain(tc: Toolchain): Promise<void> {
  if (tc.missing.some((m) => m.startsWith("Debian"))) {
    const env = { DEBIAN_FRONTEND: "noninteractive" };
    await run("apt-get", ["update", "-qq"], env);
    await run(
      "apt-get",
      ["install", "-y", "-qq", "--no-install-recommends", ...DEBIAN_PACKAGES],
      env,
    );
  }
  if (tc.missing.some((m) => m.startsWith("wasm-bindgen-cli"))) {
    await run(tc.rustupCargo, ["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN_VERSION]);
  }
}
