/**
 * Types of the resolved configuration: every section in its full object form with mirrord's
 * defaults filled in. This is what `MIRRORD_RESOLVED_CONFIG` carries to the intproxy and the
 * layer (see README.md for the JSON shape) and what every component reads.
 *
 * Field names are mirrord's (its serialized `LayerConfig`); lists are arrays.
 *
 * @module
 */

/** A target in object form (mirrord's `Target` minus `targetless`). */
export type TargetObject =
  | { pod: string; container: string | null }
  | { deployment: string; container: string | null }
  | { rollout: string; container: string | null }
  | { job: string; container: string | null }
  | { cron_job: string; container: string | null }
  | { stateful_set: string; container: string | null }
  | { service: string; container: string | null }
  | { replica_set: string; container: string | null }
  | { labels: Record<string, string>; container: string | null };

/**
 * `target`. `path` is absent when no target was given and `null` for an explicit
 * `targetless` (mirrord serializes both that way); `namespace` is absent when unset.
 */
export interface TargetConfig {
  path?: TargetObject | null;
  namespace?: string;
}

/** `agent.dns`. */
export interface AgentDnsConfig {
  timeout: number | null;
  attempts: number | null;
}

/** `agent`. */
export interface AgentConfig {
  log_level: string;
  json_log: boolean;
  namespace: string | null;
  /** full image reference `repo:tag` */
  image: string;
  image_pull_policy: string;
  image_pull_secrets: { name: string }[] | null;
  ttl: number;
  ephemeral: boolean;
  communication_timeout: number | null;
  startup_timeout: number;
  flush_connections: boolean;
  disabled_capabilities: string[] | null;
  tolerations: Record<string, unknown>[] | null;
  resources: Record<string, unknown> | null;
  check_out_of_pods: boolean;
  privileged: boolean;
  nftables: boolean | null;
  dns: AgentDnsConfig;
  labels: Record<string, string> | null;
  annotations: Record<string, string> | null;
  node_selector: Record<string, string> | null;
  service_account: string | null;
  metrics: string | null;
  exclude_from_mesh: boolean;
  priority_class: string | null;
  inject_headers: boolean;
  max_body_buffer_size: number;
  max_body_buffer_timeout: number;
  security_context: Record<string, unknown> | null;
  clean_iptables_on_start: boolean | null;
  disable_mesh_sidecar_injection: boolean;
  external_ip_fix: boolean;
  http_detection_timeout: number;
  jaq_time_limit: number;
  override_cache_control: boolean;
  /** mirrord-ts extension, accepted for older configs and ignored */
  network_interface: string | null;
}

/** `feature.env`. */
export interface EnvConfig {
  include: string[] | null;
  exclude: string[] | null;
  override: Record<string, string> | null;
  load_from_process: boolean | null;
  unset: string[] | null;
  env_file: string | null;
  mapping: Record<string, string> | null;
}

/** File access modes of `feature.fs.mode`. */
export type FsMode = "local" | "localwithoverrides" | "read" | "write";

/** `feature.fs`. */
export interface FsConfig {
  mode: FsMode;
  read_write: string[] | null;
  read_only: string[] | null;
  local: string[] | null;
  not_found: string[] | null;
  mapping: Record<string, string> | null;
  readonly_file_buffer: number;
}

/** One entry of `all_of`/`any_of`. */
export type InnerHttpFilter =
  | { header: string }
  | { path: string }
  | { method: string }
  | { body: "json"; query: string; matches: string }
  | { query: string };

/** `feature.network.incoming.http_filter`. */
export interface HttpFilterConfig {
  header_filter: string | null;
  path_filter: string | null;
  method_filter: string | null;
  header_filter_jq: string | null;
  body_filter: { body: "json"; query: string; matches: string } | null;
  all_of: InnerHttpFilter[] | null;
  any_of: InnerHttpFilter[] | null;
  /** null: the filter applies on every port */
  ports: number[] | null;
}

/** Operator TLS delivery (`tls_delivery` / deprecated `https_delivery`). */
export interface TlsDeliveryConfig {
  protocol: "tcp" | "tls";
  trust_roots: string[] | null;
  server_name: string | null;
  server_cert: string | null;
}

/** Incoming modes. */
export type IncomingMode = "mirror" | "steal" | "off";

/** `feature.network.incoming`. */
export interface IncomingConfig {
  /** `[local port, remote port]` pairs */
  port_mapping: [number, number][];
  ignore_localhost: boolean;
  ignore_ports: number[];
  mode: IncomingMode;
  http_filter: HttpFilterConfig;
  /** `[requested port, port bound locally]` pairs */
  listen_ports: [number, number][];
  on_concurrent_steal: "override" | "continue" | "abort";
  ports: number[] | null;
  https_delivery: TlsDeliveryConfig | null;
  tls_delivery: TlsDeliveryConfig | null;
}

/** An outgoing or DNS filter: exactly one side is present. */
export type SideFilter = { remote: string[] } | { local: string[] };

/** `feature.network.outgoing`. */
export interface OutgoingConfig {
  tcp: boolean;
  udp: boolean;
  ignore_localhost: boolean;
  filter: SideFilter | null;
  unix_streams: string[] | null;
}

/** `feature.network.dns`. */
export interface DnsConfig {
  enabled: boolean;
  filter: SideFilter | null;
}

/** `feature.network`. */
export interface NetworkConfig {
  incoming: IncomingConfig;
  outgoing: OutgoingConfig;
  dns: DnsConfig;
  ipv6: boolean;
}

/** `feature.copy_target` (operator). */
export interface CopyTargetConfig {
  enabled: boolean;
  scale_down: boolean;
  exclude_containers: string[];
  exclude_init_containers: string[];
}

/** `feature.magic`. */
export interface MagicConfig {
  aws: boolean;
  auto_mount: boolean;
  turbo: boolean;
}

/** `feature`. Operator-only sections are passed through as written. */
export interface FeatureConfig {
  env: EnvConfig;
  fs: FsConfig;
  network: NetworkConfig;
  copy_target: CopyTargetConfig;
  hostname: boolean;
  split_queues: Record<string, unknown> | unknown[] | null;
  db_branches: unknown[];
  magic: MagicConfig;
  preview: Record<string, unknown>;
}

/** `internal_proxy`. */
export interface InternalProxyConfig {
  start_idle_timeout: number;
  idle_timeout: number;
  socket_timeout: number;
  ping_interval: number;
  log_level: string;
  /** null: the intproxy picks `<temp dir>/mirrord-intproxy-<time>-<random>.log` */
  log_destination: string | null;
  json_log: boolean;
  process_logging_interval: number;
}

/** `external_proxy`. */
export interface ExternalProxyConfig {
  tls_enable: boolean;
  host_ip: string | null;
  start_idle_timeout: number;
  idle_timeout: number;
  log_level: string;
  log_destination: string | null;
  json_log: boolean;
}

/** `container`. */
export interface ContainerConfig {
  cli_image: string;
  cli_extra_args: string[];
  cli_prevent_cleanup: boolean;
  cli_image_lib_path: string | null;
  override_host_ip: string | null;
  host_gateway_detection: boolean;
  cli_tls_path: string;
  platform: string | null;
}

/** `experimental`. */
export interface ExperimentalConfig {
  tcp_ping4_mock: boolean;
  trust_any_certificate: boolean;
  enable_exec_hooks_linux: boolean;
  hide_ipv6_interfaces: boolean;
  disable_reuseaddr: boolean | null;
  use_dev_null: boolean;
  idle_local_http_connection_timeout: number;
  ignore_system_proxy_config: boolean;
  browser_extension_config: boolean;
  sip_log_destination: string | null;
  non_blocking_tcp_connect: boolean;
  dlopen_cgo: boolean;
  latency: { receive_delay: number | null; transmit_delay: number | null } | null;
  applev: Record<string, never> | null;
  sip_utils: boolean;
  go_asmcgocall: boolean | null;
  guard_std_fds: boolean | null;
}

/** `startup_retry`. */
export interface StartupRetryConfig {
  min_ms: number;
  max_ms: number;
  max_retries: number;
}

/** The session key and whether the user gave it (mirrord's externally tagged `EnvKey`). */
export type SessionKey = { Provided: string } | { Generated: string };

/** The whole resolved configuration. */
export interface ResolvedConfig {
  accept_invalid_certificates: boolean | null;
  skip_processes: string[] | null;
  skip_build_tools: boolean;
  skip_extra_build_tools: string[] | null;
  operator: boolean | null;
  multi_cluster: boolean | null;
  api: boolean;
  profile: string | null;
  kubeconfig: string | null;
  sip_binaries: string[] | null;
  target: TargetConfig;
  agent: AgentConfig;
  container: ContainerConfig;
  feature: FeatureConfig;
  telemetry: boolean;
  kube_context: string | null;
  internal_proxy: InternalProxyConfig;
  external_proxy: ExternalProxyConfig;
  use_proxy: boolean;
  experimental: ExperimentalConfig;
  skip_sip: string[];
  startup_retry: StartupRetryConfig;
  ci: { output_dir: string | null };
  key: SessionKey;
  traceparent: string | null;
  baggage: string | null;
  /** mirrord-ts extension: `IP:PORT` of an agent to use instead of creating one */
  connect_tcp: string | null;
}

/**
 * The session key's value, whoever chose it.
 *
 * @param key the resolved key
 * @returns its string
 */
export function sessionKeyValue(key: SessionKey): string {
  return "Provided" in key ? key.Provided : key.Generated;
}
