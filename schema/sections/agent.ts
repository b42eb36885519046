/**
 * The `agent` section: how the agent pod (or ephemeral container) is created.
 *
 * @module
 */
import {
  type JsonSchema,
  optBool,
  optString,
  optStringMap,
  optUint,
  orNull,
  ref,
  strictObject,
} from "./_builders.ts";

const securityProfile = strictObject(
  {
    type: {
      type: "string",
      description: "Profile type, e.g. `RuntimeDefault`, `Localhost`, `Unconfined`.",
    },
    localhost_profile: optString("Profile file on the node, when `type` is `Localhost`."),
  },
  "A seccomp or AppArmor profile.",
  ["type"],
);

/** Definitions of the agent section, including the Kubernetes types it embeds. */
export const agentDefs: Record<string, JsonSchema> = {
  Agent: strictObject(
    {
      annotations: optStringMap("Extra annotations on the agent Job and pod."),
      check_out_of_pods: optBool(
        "Before creating a targeted agent, check that the target's node can fit one more pod. Default true.",
      ),
      clean_iptables_on_start: optBool(
        "Remove leftover mirrord iptables rules from an earlier agent instead of failing (env `MIRRORD_AGENT_CLEAN_IPTABLES_ON_START`).",
      ),
      communication_timeout: optUint(
        "uint16",
        "Seconds the agent waits for a client message before giving up (env `MIRRORD_AGENT_COMMUNICATION_TIMEOUT`). Unset: 30.",
      ),
      disable_mesh_sidecar_injection: optBool(
        "Label and annotate the agent so that istio, linkerd and kuma do not inject a sidecar into it. Default true.",
      ),
      disabled_capabilities: {
        type: ["array", "null"],
        items: { type: "string" },
        description:
          "Linux capabilities the agent must not get, out of `SYS_ADMIN`, `SYS_PTRACE`, `NET_ADMIN`.",
      },
      dns: orNull(ref("AgentDns")),
      ephemeral: optBool(
        "Run the agent as an ephemeral container inside the target pod instead of a Job (env `MIRRORD_EPHEMERAL_CONTAINER`). Default false.",
      ),
      exclude_from_mesh: optBool(
        "Ephemeral agents: keep the agent's port out of the service mesh proxy (env `MIRRORD_AGENT_EXCLUDE_FROM_MESH`). Default false.",
      ),
      external_ip_fix: optBool(
        "Let stolen traffic addressed to the pod's external IP reach the agent (env `MIRRORD_AGENT_EXTERNAL_IP_FIX`). Default true.",
      ),
      flush_connections: optBool(
        "Drop connections that already exist when stealing starts, so that clients reconnect through the agent (env `MIRRORD_AGENT_STEALER_FLUSH_CONNECTIONS`). Default true.",
      ),
      http_detection_timeout: optUint(
        "uint64",
        "Seconds the agent waits for the first bytes of a stolen connection to tell HTTP from other TCP (env `MIRRORD_AGENT_HTTP_DETECTION_TIMEOUT`). Default 2.",
      ),
      image: orNull(ref("AgentImage")),
      image_pull_policy: optString(
        "Kubernetes pull policy of the agent image: `IfNotPresent`, `Always` or `Never` (env `MIRRORD_AGENT_IMAGE_PULL_POLICY`). Default `IfNotPresent`.",
      ),
      image_pull_secrets: {
        type: ["array", "null"],
        items: ref("AgentPullSecret"),
        description: "Secrets the agent pod may use to pull its image.",
      },
      inject_headers: optBool(
        "Add a `Mirrord-Agent` header to HTTP responses that went through the agent. Default false.",
      ),
      jaq_time_limit: optUint(
        "uint64",
        "Time limit for one jq header-filter evaluation. Default 1.",
      ),
      json_log: optBool("Agent logs as JSON lines (env `MIRRORD_AGENT_JSON_LOG`). Default false."),
      labels: optStringMap("Extra labels on the agent Job and pod."),
      log_level: optString(
        "Agent log filter in RUST_LOG syntax, e.g. `info` or `mirrord=debug,warn` (env `MIRRORD_AGENT_RUST_LOG`). Default `info`.",
      ),
      max_body_buffer_size: optUint(
        "uint32",
        "Largest HTTP request body, in bytes, the agent buffers to run a body filter. Default 65535.",
      ),
      max_body_buffer_timeout: optUint(
        "uint32",
        "Milliseconds the agent waits for a whole request body to run a body filter. Default 1000.",
      ),
      metrics: optString("`IP:PORT` where the agent serves Prometheus metrics."),
      namespace: optString(
        "Namespace of the agent Job (env `MIRRORD_AGENT_NAMESPACE`). Ignored for targetless and ephemeral agents. Unset: the context's namespace.",
      ),
      network_interface: optString(
        "mirrord-ts extension kept for older configs: interface the agent captures on. Accepted and ignored (the agent finds the interface itself).",
      ),
      nftables: optBool(
        "iptables backend of the agent: true = nftables, false = legacy. Unset: detected at start.",
      ),
      node_selector: optStringMap("Node selector of a targetless agent pod."),
      override_cache_control: optBool(
        "Strip caching headers from stolen requests so that the local app sees every request. Default true.",
      ),
      priority_class: optString("Priority class of the agent pod."),
      privileged: optBool(
        "Run the agent container privileged (needed on some hardened nodes). Default false.",
      ),
      resources: orNull(
        ref("K8sResourceRequirements"),
        "Resource requests and limits of the agent container.",
      ),
      security_context: orNull(ref("AgentSecurityContext")),
      service_account: optString("Service account of the agent pod."),
      startup_timeout: optUint(
        "uint64",
        "Seconds to wait for the agent to become ready (env `MIRRORD_AGENT_STARTUP_TIMEOUT`). Default 60.",
      ),
      tolerations: {
        type: ["array", "null"],
        items: ref("K8sToleration"),
        description:
          "Tolerations of the agent pod. Unset: tolerate everything (`operator: Exists`); `[]` for none.",
      },
      ttl: optUint(
        "uint16",
        "Seconds the finished agent Job is kept (`ttlSecondsAfterFinished`; env `MIRRORD_AGENT_TTL`). Default 1.",
      ),
    },
    "How mirrord creates its agent in the cluster. Ignored when the operator runs the session.",
  ),
  AgentImage: {
    anyOf: [
      { type: ["string", "null"] },
      strictObject({
        registry: optString(
          "Image repository, e.g. `ghcr.io/metalbear-co/mirrord` (env `MIRRORD_AGENT_IMAGE_REGISTRY`).",
        ),
        tag: optString("Image tag (env `MIRRORD_AGENT_IMAGE_TAG`)."),
      }),
    ],
    description:
      "Agent image, as `repo:tag` or `{registry, tag}` (env `MIRRORD_AGENT_IMAGE` beats both). Default `ghcr.io/metalbear-co/mirrord:<cli version>`.",
  },
  AgentPullSecret: strictObject(
    { name: { type: "string", description: "Name of the Secret." } },
    "An image pull secret.",
    ["name"],
  ),
  AgentDns: strictObject(
    {
      attempts: optUint("uint32", "Attempts per DNS query made by the agent."),
      timeout: optUint("uint32", "Seconds per DNS attempt made by the agent."),
    },
    "How the agent resolves names for the local app. Unset values follow the pod's resolv.conf.",
  ),
  AgentSecurityContext: strictObject(
    {
      app_armor_profile: orNull(securityProfile),
      seccomp_profile: orNull(securityProfile),
    },
    "Pod-level security context of the agent (not for ephemeral agents).",
  ),
  K8sToleration: {
    type: "object",
    properties: {
      effect: { type: "string" },
      key: { type: "string" },
      operator: { type: "string" },
      tolerationSeconds: { type: "integer", format: "int64" },
      value: { type: "string" },
    },
    description: "A Kubernetes toleration (core/v1 Toleration).",
  },
  K8sResourceRequirements: {
    type: "object",
    properties: {
      claims: {
        type: "array",
        items: {
          type: "object",
          properties: { name: { type: "string" }, request: { type: "string" } },
          required: ["name"],
        },
      },
      limits: { type: "object", additionalProperties: ref("K8sQuantity") },
      requests: { type: "object", additionalProperties: ref("K8sQuantity") },
    },
    description: "Kubernetes resource requirements (core/v1 ResourceRequirements).",
  },
  K8sQuantity: {
    "x-kubernetes-int-or-string": true,
    description: "A Kubernetes quantity such as `100m` or `128Mi`.",
  },
};
