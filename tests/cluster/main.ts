/**
 * `deno task cluster up|down|status|kubeconfig` — the local single-node Kubernetes cluster.
 *
 * @module
 */
import { clusterDown } from "./down.ts";
import { STATE } from "./layout.ts";
import { allRunning, clusterStatus } from "./status.ts";
import { clusterUp } from "./up.ts";

const USAGE = `usage: deno task cluster <command>

  up          build what is missing and start the cluster (safe to repeat)
  down        stop it and remove every trace from the host
  status      show which components run
  kubeconfig  print the path of the admin kubeconfig`;

async function printKubeconfig(): Promise<number> {
  try {
    await Deno.stat(STATE.adminKubeconfig);
  } catch {
    console.error(
      "Cannot print the kubeconfig: the cluster was never started — run `deno task cluster up`",
    );
    return 1;
  }
  console.log(STATE.adminKubeconfig);
  return 0;
}

async function printStatus(): Promise<number> {
  const statuses = await clusterStatus();
  for (const status of statuses) {
    const state = status.pid === undefined
      ? "stopped"
      : `running (pid ${status.pid})${status.healthy === false ? ", NOT healthy" : ""}`;
    console.log(`${status.name.padEnd(24)} ${state}`);
  }
  return allRunning(statuses) ? 0 : 3;
}

async function main(args: string[]): Promise<number> {
  const verbose = args.includes("--verbose");
  const command = args.filter((arg) => arg !== "--verbose");
  if (command.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  try {
    switch (command[0]) {
      case "up":
        await clusterUp();
        return 0;
      case "down":
        return (await clusterDown()).length === 0 ? 0 : 1;
      case "status":
        return await printStatus();
      case "kubeconfig":
        return await printKubeconfig();
      default:
        console.error(`Cannot run "${command[0]}": unknown command\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    console.error(verbose ? error : (error as Error).message);
    return 1;
  }
}

Deno.exit(await main(Deno.args));
