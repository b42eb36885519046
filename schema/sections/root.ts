/**
 * Top-level keys of the configuration file.
 *
 * @module
 */
import {
  type JsonSchema,
  optBool,
  optString,
  optUint,
  orNull,
  ref,
  strictObject,
} from "./_builders.ts";

/** Definitions used by the top level. */
export const rootDefs: Record<string, JsonSchema> = {
  StringOrList: {
    anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }],
    description: "One string, or a list of strings.",
  },
  StartupRetry: strictObject(
    {
      min_ms: optUint(
        "uint64",
        "Shortest wait between two retries of a Kubernetes API call, in milliseconds. Default 500.",
      ),
      max_ms: optUint(
        "uint64",
        "Longest wait between two retries, in milliseconds; must be above 0 and at least `min_ms`. Default 5000.",
      ),
      max_retries: optUint(
        "uint32",
        "How many times a Kubernetes API call answered with 429, 503 or 504 is retried. Default 2.",
      ),
    },
    "Retries of Kubernetes API calls made while the session starts (exponential back-off with jitter).",
  ),
  Ci: strictObject(
    {
      output_dir: optString(
        "Folder where `mirrord ci start` writes each run's stdout and stderr. Default: `<temp dir>/mirrord`.",
      ),
    },
    "Settings of `mirrord ci`.",
  ),
};

/** Properties of the root object. */
export const rootProperties: Record<string, JsonSchema> = {
  accept_invalid_certificates: optBool(
    "Trust the Kubernetes API server even when its TLS certificate does not verify (self-signed clusters). Unset: use what the kubeconfig says.",
  ),
  agent: orNull(ref("Agent")),
  api: optBool(
    "Serve the local session API (a Unix socket under `~/.mirrord/sessions/`) that `mirrord ui` and `mirrord session` read. Default true.",
  ),
  baggage: optString("W3C baggage sent with operator requests, for tracing (env `BAGGAGE`)."),
  ci: orNull(ref("Ci")),
  connect_tcp: optString(
    "mirrord-ts extension: connect straight to an agent already listening at `IP:PORT` instead of creating one in the cluster (testing aid; env `MIRRORD_CONNECT_TCP`).",
  ),
  container: orNull(ref("Container")),
  experimental: orNull(ref("Experimental")),
  external_proxy: orNull(ref("ExternalProxy")),
  feature: orNull(ref("Feature")),
  internal_proxy: orNull(ref("InternalProxy")),
  key: optString(
    "Session key, available to templates as `{{ key }}` (for example in an HTTP header filter). Rendered as a template itself; `MIRRORD_KEY` / `--key` win over it. Unset: 5 random hex digits.",
  ),
  kube_context: optString("Context of the kubeconfig to use. Unset: the current context."),
  kubeconfig: optString(
    "Path of the kubeconfig (a `:`-separated list is merged like kubectl does; `~` and `$VAR` are expanded). Unset: `KUBECONFIG`, then `~/.kube/config`.",
  ),
  multi_cluster: optBool(
    "Operator only: `false` keeps a multi-cluster operator to the primary cluster.",
  ),
  operator: optBool(
    "Use the mirrord operator: true requires it, false never looks for it, unset tries it and falls back to running without.",
  ),
  profile: optString(
    "Operator only: name of a mirrord profile (`name` or `namespace/name`) applied on top of this file.",
  ),
  sip_binaries: orNull(
    ref("StringOrList"),
    "macOS only: extra binaries to patch for System Integrity Protection (matched by path suffix).",
  ),
  skip_build_tools: optBool(
    "Do not load into well-known build tools (cc, ld, go, cargo, git …). Default true.",
  ),
  skip_extra_build_tools: orNull(
    ref("StringOrList"),
    "More process names treated like build tools (needs `skip_build_tools`).",
  ),
  skip_processes: orNull(
    ref("StringOrList"),
    "Process names mirrord does not load into (their children still get it).",
  ),
  skip_sip: orNull(
    ref("StringOrList"),
    "macOS only: binaries never patched for SIP. Default `git`; a value replaces the default list.",
  ),
  startup_retry: orNull(ref("StartupRetry")),
  target: orNull(ref("TargetSetting")),
  telemetry: optBool(
    "Send anonymous usage analytics. mirrord-ts never sends any; the key is accepted for compatibility. Default true.",
  ),
  traceparent: optString("W3C trace context sent with operator requests (env `TRACEPARENT`)."),
  use_proxy: optBool(
    "Honour HTTP(S)_PROXY variables for mirrord's own connections. false blanks them for mirrord and the launched process. Default true.",
  ),
};
