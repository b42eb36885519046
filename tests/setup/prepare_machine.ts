/**
 * Installs and builds what the tests need on a fresh machine: Debian packages listed in
 * `install/apt-packages.txt` (only as root, only when missing) and the C layer.
 *
 * @module
 */

const APT_LIST = "install/apt-packages.txt";

async function output(cmd: string, args: string[]): Promise<{ code: number; stdout: string }> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
}

async function run(cmd: string, args: string[], env?: Record<string, string>): Promise<void> {
  const status = await new Deno.Command(cmd, { args, env, stdin: "null" }).spawn().status;
  if (!status.success) {
    throw new Error(`Cannot prepare the machine: "${cmd} ${args.join(" ")}" exited ${status.code}`);
  }
}

/**
 * Reads the package list: one package per line, `#` starts a comment.
 *
 * @param text the file's text
 * @returns package names in file order
 */
export function parsePackageList(text: string): string[] {
  return text.split("\n").map((line) => line.replace(/#.*/, "").trim()).filter(Boolean);
}

async function missingPackages(packages: string[]): Promise<string[]> {
  const missing = [];
  for (const pkg of packages) {
    const { stdout } = await output("dpkg-query", ["-W", "-f=${Status}", pkg]);
    if (!stdout.includes("install ok installed")) missing.push(pkg);
  }
  return missing;
}

async function installPackages(root: boolean): Promise<void> {
  let text: string;
  try {
    text = await Deno.readTextFile(APT_LIST);
  } catch {
    return;
  }
  const missing = await missingPackages(parsePackageList(text));
  if (missing.length === 0) return;
  if (!root) {
    console.log(
      `[setup] missing Debian packages (install them as root): apt-get install ${
        missing.join(" ")
      }`,
    );
    return;
  }
  console.log(`[setup] installing Debian packages: ${missing.join(" ")}`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  await run("apt-get", ["update", "-qq"], env);
  await run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], env);
}

async function buildLayer(): Promise<void> {
  try {
    await Deno.stat("layer/Makefile");
  } catch {
    return;
  }
  console.log("[setup] building the C layer (make -C layer)");
  await run("make", ["-s", "-C", "layer"]);
}

/**
 * Prepares the machine for every tier.
 *
 * @param options.root whether packages may be installed
 */
export async function prepareMachine(options: { root: boolean }): Promise<void> {
  await installPackages(options.root);
  await buildLayer();
}
