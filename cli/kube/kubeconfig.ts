/**
 * Kubeconfig loading (how-it-works.md §2.1): the `kubeconfig` config field (a `:`-separated list,
 * `~` and `$VAR` expanded), else `KUBECONFIG`, else `~/.kube/config`, else the in-cluster service
 * account; files merged as kubectl merges them (the first file to name a cluster, user or context
 * wins; the first non-empty `current-context` wins); then one context picked (`kube_context`, else
 * the current one) and turned into what a client needs to reach the API server.
 *
 * @module
 */
import { dirname, isAbsolute, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { KubeconfigError } from "./kube_errors.ts";

/** An exec credential plugin (`users[].user.exec`). */
export interface ExecPluginConfig {
  command: string;
  args: string[];
  env: Record<string, string>;
  apiVersion: string;
  installHint: string | null;
  /** folder of the kubeconfig that named it (relative commands run from there) */
  baseDir: string;
}

/** Everything needed to talk to one cluster as one user. */
export interface KubeAccess {
  /** API server URL without a trailing slash, e.g. `https://127.0.0.1:6443` */
  server: string;
  /** the context's name (for messages) */
  contextName: string;
  /** the context's namespace, or `default` */
  namespace: string;
  /** CA certificates (PEM); undefined → the system roots */
  caPem?: string;
  /** skip verification of the API server's certificate */
  insecure: boolean;
  /** name to check the API server's certificate against, when not the URL's host */
  tlsServerName?: string;
  /** client certificate and key (PEM) */
  clientCert?: { cert: string; key: string };
  /** bearer token */
  token?: string;
  /** file holding the bearer token (re-read on every client creation, it may rotate) */
  tokenFile?: string;
  /** basic auth (deprecated in Kubernetes, still honoured) */
  basicAuth?: { username: string; password: string };
  /** exec plugin that produces a token or a client certificate */
  exec?: ExecPluginConfig;
  /** where this came from, for messages */
  source: string;
}

/** Where to look, from the resolved config and the process environment. */
export interface KubeconfigOptions {
  /** `kubeconfig` config field (env `MIRRORD_KUBECONFIG`) */
  kubeconfig?: string | null;
  /** `kube_context` (env `MIRRORD_KUBE_CONTEXT`, `--context`) */
  context?: string | null;
  /** `accept_invalid_certificates`; null keeps the kubeconfig's choice */
  acceptInvalidCertificates?: boolean | null;
  /** the process environment (KUBECONFIG, HOME, in-cluster variables) */
  env: Record<string, string | undefined>;
}

type Named<T> = Map<string, T & { baseDir: string }>;

interface MergedConfig {
  clusters: Named<Record<string, unknown>>;
  users: Named<Record<string, unknown>>;
  contexts: Named<Record<string, unknown>>;
  currentContext: string | null;
  files: string[];
}

const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * Expands `~` and `$VAR` / `${VAR}` in a path as a shell would.
 *
 * @param path the path as written
 * @param env variables
 * @returns the expanded path
 * @example
 * ```ts
 * expandPath("~/.kube/$NAME", { HOME: "/root", NAME: "dev" }); // "/root/.kube/dev"
 * ```
 */
export function expandPath(path: string, env: Record<string, string | undefined>): string {
  const withHome = path.replace(/^~(?=\/|$)/, env.HOME ?? "~");
  return withHome.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_, braced, bare) => env[braced ?? bare] ?? "",
  );
}

/**
 * The kubeconfig files to read, in merge order, and whether a missing one is an error.
 *
 * @param options where to look
 * @returns the paths and whether they were named explicitly
 */
export function kubeconfigPaths(
  options: KubeconfigOptions,
): { paths: string[]; explicit: boolean } {
  const { env } = options;
  if (options.kubeconfig) {
    const paths = options.kubeconfig.split(":").filter(Boolean).map((p) => expandPath(p, env));
    return { paths, explicit: true };
  }
  if (env.KUBECONFIG) {
    return { paths: env.KUBECONFIG.split(":").filter(Boolean), explicit: false };
  }
  return { paths: env.HOME ? [join(env.HOME, ".kube", "config")] : [], explicit: false };
}

function namedEntries(
  doc: Record<string, unknown>,
  listKey: string,
  itemKey: string,
  file: string,
): [string, Record<string, unknown>][] {
  const list = doc[listKey];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    throw new KubeconfigError(
      `Cannot read kubeconfig "${file}": "${listKey}" is not a list`,
      "fix the file, or point KUBECONFIG / the kubeconfig field at another one",
    );
  }
  return list.map((entry, index) => {
    if (!entry || typeof entry !== "object" || typeof entry.name !== "string") {
      throw new KubeconfigError(
        `Cannot read kubeconfig "${file}": ${listKey}[${index}] has no name`,
        "fix the file, or point KUBECONFIG / the kubeconfig field at another one",
      );
    }
    const body = entry[itemKey];
    return [entry.name, body && typeof body === "object" ? body : {}];
  });
}

/**
 * Merges kubeconfig texts as kubectl does.
 *
 * @param files path and text of each file, in order
 * @returns the merged view
 * @throws {KubeconfigError} when a file is not a kubeconfig
 */
export function mergeKubeconfigs(files: { path: string; text: string }[]): MergedConfig {
  const merged: MergedConfig = {
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
    currentContext: null,
    files: files.map((f) => f.path),
  };
  for (const { path, text } of files) {
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (error) {
      throw new KubeconfigError(
        `Cannot read kubeconfig "${path}": ${(error as Error).message.split("\n")[0]}`,
        "fix the YAML, or point KUBECONFIG / the kubeconfig field at another file",
        { cause: error },
      );
    }
    if (doc === null || doc === undefined) continue;
    if (typeof doc !== "object" || Array.isArray(doc)) {
      throw new KubeconfigError(
        `Cannot read kubeconfig "${path}": it is not a YAML mapping`,
        "point KUBECONFIG / the kubeconfig field at a kubeconfig file",
      );
    }
    const record = doc as Record<string, unknown>;
    const baseDir = dirname(path);
    for (
      const [target, listKey, itemKey] of [
        [merged.clusters, "clusters", "cluster"],
        [merged.users, "users", "user"],
        [merged.contexts, "contexts", "context"],
      ] as const
    ) {
      for (const [name, body] of namedEntries(record, listKey, itemKey, path)) {
        if (!target.has(name)) target.set(name, { ...body, baseDir });
      }
    }
    const current = record["current-context"];
    if (!merged.currentContext && typeof current === "string" && current) {
      merged.currentContext = current;
    }
  }
  return merged;
}

function decodeBase64(data: string, what: string, source: string): string {
  try {
    return new TextDecoder().decode(
      Uint8Array.from(atob(data.replace(/\s+/g, "")), (c) => c.charCodeAt(0)),
    );
  } catch {
    throw new KubeconfigError(
      `Cannot read kubeconfig ${source}: ${what} is not valid base64`,
      "fix the kubeconfig",
    );
  }
}

function inlineOrFile(
  entry: Record<string, unknown> & { baseDir: string },
  dataKey: string,
  fileKey: string,
  source: string,
): string | undefined {
  const data = entry[dataKey];
  if (typeof data === "string" && data) return decodeBase64(data, dataKey, source);
  const file = entry[fileKey];
  if (typeof file === "string" && file) {
    const path = isAbsolute(file) ? file : join(entry.baseDir, file);
    try {
      return Deno.readTextFileSync(path);
    } catch (error) {
      throw new KubeconfigError(
        `Cannot read ${fileKey} "${path}" named in kubeconfig ${source}: ` +
          (error as Error).message,
        "check that the file exists and is readable",
        { cause: error },
      );
    }
  }
  return undefined;
}

function execPlugin(
  user: Record<string, unknown> & { baseDir: string },
): ExecPluginConfig | undefined {
  const exec = user.exec as Record<string, unknown> | undefined;
  if (!exec || typeof exec !== "object") return undefined;
  const env: Record<string, string> = {};
  for (const item of (exec.env as { name: string; value: string }[] | null) ?? []) {
    if (item && typeof item.name === "string") env[item.name] = String(item.value ?? "");
  }
  return {
    command: String(exec.command ?? ""),
    args: ((exec.args as unknown[] | null) ?? []).map(String),
    env,
    apiVersion: String(exec.apiVersion ?? "client.authentication.k8s.io/v1"),
    installHint: typeof exec.installHint === "string" ? exec.installHint : null,
    baseDir: user.baseDir,
  };
}

/**
 * Picks the context and builds the access description.
 *
 * @param merged the merged kubeconfig
 * @param contextName `kube_context`, or null for the current context
 * @param acceptInvalidCertificates `accept_invalid_certificates`
 * @returns the access description
 * @throws {KubeconfigError} when the context, its cluster or its user is missing
 */
export function accessFromKubeconfig(
  merged: MergedConfig,
  contextName: string | null | undefined,
  acceptInvalidCertificates: boolean | null | undefined,
): KubeAccess {
  const source = merged.files.map((f) => `"${f}"`).join(", ");
  const name = contextName || merged.currentContext;
  if (!name) {
    throw new KubeconfigError(
      `Cannot choose a kube context: ${source} has no current-context`,
      "set kube_context in the config (or --context), or run `kubectl config use-context <name>`",
    );
  }
  const context = merged.contexts.get(name);
  if (!context) {
    const known = [...merged.contexts.keys()];
    throw new KubeconfigError(
      `Cannot use kube context "${name}": it is not in ${source}`,
      known.length ? `known contexts: ${known.join(", ")}` : "the kubeconfig defines no contexts",
    );
  }
  const clusterName = String(context.cluster ?? "");
  const cluster = merged.clusters.get(clusterName);
  if (!cluster) {
    throw new KubeconfigError(
      `Cannot use kube context "${name}": its cluster "${clusterName}" is not in ${source}`,
      "fix the context's cluster entry in the kubeconfig",
    );
  }
  const server = String(cluster.server ?? "").replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+/.test(server)) {
    throw new KubeconfigError(
      `Cannot use kube context "${name}": cluster "${clusterName}" has no valid server URL ` +
        `("${server}")`,
      "set clusters[].cluster.server to the API server's https:// URL",
    );
  }
  const userName = String(context.user ?? "");
  const user = userName ? merged.users.get(userName) : undefined;
  if (userName && !user) {
    throw new KubeconfigError(
      `Cannot use kube context "${name}": its user "${userName}" is not in ${source}`,
      "fix the context's user entry in the kubeconfig",
    );
  }
  const access: KubeAccess = {
    server,
    contextName: name,
    namespace: typeof context.namespace === "string" && context.namespace
      ? context.namespace
      : "default",
    insecure: acceptInvalidCertificates ?? cluster["insecure-skip-tls-verify"] === true,
    source,
  };
  const ca = inlineOrFile(cluster, "certificate-authority-data", "certificate-authority", source);
  if (ca) access.caPem = ca;
  if (typeof cluster["tls-server-name"] === "string" && cluster["tls-server-name"]) {
    access.tlsServerName = cluster["tls-server-name"] as string;
  }
  if (user) {
    const cert = inlineOrFile(user, "client-certificate-data", "client-certificate", source);
    const key = inlineOrFile(user, "client-key-data", "client-key", source);
    if (cert && key) access.clientCert = { cert, key };
    else if (cert || key) {
      throw new KubeconfigError(
        `Cannot use kube user "${userName}": it has a client ${cert ? "certificate" : "key"} ` +
          `but no ${cert ? "key" : "certificate"}`,
        "give both client-certificate(-data) and client-key(-data)",
      );
    }
    if (typeof user.token === "string" && user.token) access.token = user.token;
    if (typeof user.tokenFile === "string" && user.tokenFile) {
      access.tokenFile = isAbsolute(user.tokenFile)
        ? user.tokenFile
        : join(user.baseDir, user.tokenFile);
    }
    if (typeof user.username === "string" && typeof user.password === "string") {
      access.basicAuth = { username: user.username, password: user.password };
    }
    access.exec = execPlugin(user);
    if (user["auth-provider"]) {
      const provider = (user["auth-provider"] as Record<string, unknown>).name ?? "unknown";
      if (!access.token && !access.exec && !access.clientCert) {
        throw new KubeconfigError(
          `Cannot use kube user "${userName}": auth-provider "${provider}" is not supported`,
          "switch the user to an exec credential plugin (kubectl has dropped auth-providers too)",
        );
      }
    }
  }
  return access;
}

function inClusterAccess(env: Record<string, string | undefined>): KubeAccess | null {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) return null;
  let caPem: string;
  try {
    caPem = Deno.readTextFileSync(`${SERVICE_ACCOUNT_DIR}/ca.crt`);
  } catch {
    return null;
  }
  let namespace = "default";
  try {
    namespace = Deno.readTextFileSync(`${SERVICE_ACCOUNT_DIR}/namespace`).trim() || "default";
  } catch {
    // A service account without a namespace file: the default namespace.
  }
  return {
    server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
    contextName: "in-cluster",
    namespace,
    caPem,
    insecure: false,
    tokenFile: `${SERVICE_ACCOUNT_DIR}/token`,
    source: "the in-cluster service account",
  };
}

/**
 * Finds and reads the kubeconfig and picks the context.
 *
 * @param options where to look
 * @returns the access description
 * @throws {KubeconfigError} when there is no usable kubeconfig
 * @example
 * ```ts
 * const access = loadKubeAccess({ env: Deno.env.toObject(), context: "dev" });
 * ```
 */
export function loadKubeAccess(options: KubeconfigOptions): KubeAccess {
  const { paths, explicit } = kubeconfigPaths(options);
  const files: { path: string; text: string }[] = [];
  for (const path of paths) {
    try {
      files.push({ path, text: Deno.readTextFileSync(path) });
    } catch (error) {
      const missing = error instanceof Deno.errors.NotFound;
      if (explicit || !missing) {
        throw new KubeconfigError(
          `Cannot read kubeconfig "${path}": ${
            missing ? "no such file" : (error as Error).message
          }`,
          explicit
            ? "fix the kubeconfig field (MIRRORD_KUBECONFIG) of the mirrord config"
            : "fix KUBECONFIG or the file's permissions",
          { cause: error },
        );
      }
    }
  }
  if (files.length === 0) {
    const inCluster = inClusterAccess(options.env);
    if (inCluster) {
      if (options.acceptInvalidCertificates) inCluster.insecure = true;
      return inCluster;
    }
    throw new KubeconfigError(
      `Cannot find a kubeconfig: ${
        paths.length ? paths.map((p) => `"${p}"`).join(", ") : "HOME"
      } ` +
        "does not exist",
      "set KUBECONFIG (or the kubeconfig field of the mirrord config) to your cluster's kubeconfig",
    );
  }
  return accessFromKubeconfig(
    mergeKubeconfigs(files),
    options.context,
    options.acceptInvalidCertificates,
  );
}
