/**
 * `mirrord ls [-o json] [-n NS] [-f FILE] [-t TYPE]…` (hidden, as in mirrord; how-it-works.md
 * §1.8, §2.11): the targets of a namespace as JSON — a plain array of paths, or with
 * `MIRRORD_LS_RICH_OUTPUT=true` `{"targets":[{"path","available"}],"current_namespace",
 * "namespaces"}` (what IDE pickers read).
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { UsageError } from "../_errors.ts";
import { ConfigEnv } from "../config/config_env.ts";
import { withoutProxyVars } from "../exec/child_env.ts";
import { loadConfig } from "../config/load_config.ts";
import { KubeClient } from "../kube/api_client.ts";
import { LISTABLE_TYPES, listNamespaces, listTargets } from "../kube/list_targets.ts";

/** Options of `ls`. */
export interface LsOptions {
  output?: string;
  namespace?: string;
  configFile?: string;
  type?: string[];
}

function targetTypes(flags: string[] | undefined, env: Record<string, string>): string[] {
  let types = flags ?? [];
  if (types.length === 0 && env.MIRRORD_LS_TARGET_TYPES) {
    try {
      types = JSON.parse(env.MIRRORD_LS_TARGET_TYPES);
    } catch {
      throw new UsageError(
        "Cannot read MIRRORD_LS_TARGET_TYPES: it is not a JSON array",
        'write it like ["pod","deployment"]',
      );
    }
  }
  return types.length ? types : [...LISTABLE_TYPES];
}

/**
 * Lists the targets and prints them.
 *
 * @param options the command's options
 * @returns the JSON text printed
 */
export async function listTargetsCommand(options: LsOptions): Promise<string> {
  const env = Deno.env.toObject();
  const overrides: Record<string, string> = {};
  if (options.configFile) overrides.MIRRORD_CONFIG_FILE = options.configFile;
  const { config } = await loadConfig({
    env: ConfigEnv.fromProcess(overrides),
    emptyTargetIsFinal: true,
  });
  const clientEnv = config.use_proxy ? env : withoutProxyVars(env);
  const client = KubeClient.fromKubeconfig({
    kubeconfig: config.kubeconfig,
    context: config.kube_context,
    acceptInvalidCertificates: config.accept_invalid_certificates,
    env: clientEnv,
  });
  const namespace = options.namespace ?? config.target.namespace ?? client.namespace;
  const targets = await listTargets(
    client,
    namespace,
    targetTypes(options.type, env),
    (error) => console.error(`warning: ${error.message} — listing the rest`),
  );
  const text = env.MIRRORD_LS_RICH_OUTPUT === "true"
    ? JSON.stringify({
      targets,
      current_namespace: namespace,
      namespaces: await listNamespaces(client),
    })
    : JSON.stringify(targets.map((t) => t.path));
  console.log(text);
  return text;
}

/**
 * Builds the `ls` command.
 *
 * @returns the command
 */
export function lsCommand() {
  return new Command("ls")
    .description("list the targets of a namespace as JSON")
    .addOption(new Option("-o, --output <FORMAT>", "output format").choices(["json"]))
    .option("-n, --namespace <NS>", "namespace to list (default: the target or kube namespace)")
    .option("-f, --config-file <PATH>", "config file (kubeconfig, kube_context, namespace)")
    .option(
      "-t, --type <TYPE>",
      "target type to list (pod, deployment, rollout); repeatable",
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .action(async (options) => {
      await listTargetsCommand(options as LsOptions);
    });
}
