/**
 * mirrord's documented defaults as a resolved configuration: what a session gets with an empty
 * file and no `MIRRORD_*` variables (apart from the session key, which is random).
 *
 * @module
 */
import type { ResolvedConfig } from "./resolved_config.ts";

/** The mirrord release whose behaviour and formats mirrord-ts follows. */
export const MIRRORD_COMPAT_VERSION = "3.250.0";

/** Repository of the default agent image (`agent.image.registry`). */
export const DEFAULT_AGENT_IMAGE_REGISTRY = "ghcr.io/metalbear-co/mirrord";

/** Repository of the default container-mode sidecar image. */
export const DEFAULT_CLI_IMAGE_REGISTRY = "ghcr.io/metalbear-co/mirrord-cli";

/**
 * A fresh resolved configuration holding only defaults.
 *
 * @param key the session key to put in it
 * @returns a new object the caller may change
 * @example
 * ```ts
 * defaultResolvedConfig({ Generated: "a1b2c" }).feature.fs.mode; // "read"
 * ```
 */
export function defaultResolvedConfig(
  key: ResolvedConfig["key"] = { Generated: "00000" },
): ResolvedConfig {
  return {
    accept_invalid_certificates: null,
    skip_processes: null,
    skip_build_tools: true,
    skip_extra_build_tools: null,
    operator: null,
    multi_cluster: null,
    api: true,
    profile: null,
    kubeconfig: null,
    sip_binaries: null,
    target: {},
    agent: {
      log_level: "info",
      json_log: false,
      namespace: null,
      image: `${DEFAULT_AGENT_IMAGE_REGISTRY}:${MIRRORD_COMPAT_VERSION}`,
      image_pull_policy: "IfNotPresent",
      image_pull_secrets: null,
      ttl: 1,
      ephemeral: false,
      communication_timeout: null,
      startup_timeout: 60,
      flush_connections: true,
      disabled_capabilities: null,
      tolerations: null,
      resources: null,
      check_out_of_pods: true,
      privileged: false,
      nftables: null,
      dns: { timeout: null, attempts: null },
      labels: null,
      annotations: null,
      node_selector: null,
      service_account: null,
      metrics: null,
      exclude_from_mesh: false,
      priority_class: null,
      inject_headers: false,
      max_body_buffer_size: 65535,
      max_body_buffer_timeout: 1000,
      security_context: null,
      clean_iptables_on_start: null,
      disable_mesh_sidecar_injection: true,
      external_ip_fix: true,
      http_detection_timeout: 2,
      jaq_time_limit: 1,
      override_cache_control: true,
      network_interface: null,
    },
    container: {
      cli_image: `${DEFAULT_CLI_IMAGE_REGISTRY}:${MIRRORD_COMPAT_VERSION}`,
      cli_extra_args: [],
      cli_prevent_cleanup: false,
      cli_image_lib_path: null,
      override_host_ip: null,
      host_gateway_detection: true,
      cli_tls_path: "/opt/mirrord/tls/mirrord-tls.pem",
      platform: null,
    },
    feature: {
      env: {
        include: null,
        exclude: null,
        override: null,
        load_from_process: null,
        unset: null,
        env_file: null,
        mapping: null,
      },
      fs: {
        mode: "read",
        read_write: null,
        read_only: null,
        local: null,
        not_found: null,
        mapping: null,
        readonly_file_buffer: 128000,
      },
      network: {
        incoming: {
          port_mapping: [],
          ignore_localhost: false,
          ignore_ports: [],
          mode: "mirror",
          http_filter: {
            header_filter: null,
            path_filter: null,
            method_filter: null,
            header_filter_jq: null,
            body_filter: null,
            all_of: null,
            any_of: null,
            ports: null,
          },
          listen_ports: [],
          on_concurrent_steal: "abort",
          ports: null,
          https_delivery: null,
          tls_delivery: null,
        },
        outgoing: {
          tcp: true,
          udp: true,
          ignore_localhost: false,
          filter: null,
          unix_streams: null,
        },
        dns: { enabled: true, filter: null },
        ipv6: true,
      },
      copy_target: {
        enabled: false,
        scale_down: false,
        exclude_containers: [],
        exclude_init_containers: [],
      },
      hostname: true,
      split_queues: null,
      db_branches: [],
      magic: { aws: true, auto_mount: true, turbo: true },
      preview: {},
    },
    telemetry: true,
    kube_context: null,
    internal_proxy: {
      start_idle_timeout: 60,
      idle_timeout: 5,
      socket_timeout: 31536000,
      ping_interval: 30,
      log_level: "mirrord=info,warn",
      log_destination: null,
      json_log: true,
      process_logging_interval: 60,
    },
    external_proxy: {
      tls_enable: true,
      host_ip: null,
      start_idle_timeout: 60,
      idle_timeout: 5,
      log_level: "mirrord=info,warn",
      log_destination: null,
      json_log: true,
    },
    use_proxy: true,
    experimental: {
      tcp_ping4_mock: true,
      trust_any_certificate: false,
      enable_exec_hooks_linux: true,
      hide_ipv6_interfaces: false,
      disable_reuseaddr: null,
      use_dev_null: true,
      idle_local_http_connection_timeout: 3000,
      ignore_system_proxy_config: false,
      browser_extension_config: false,
      sip_log_destination: null,
      non_blocking_tcp_connect: true,
      dlopen_cgo: false,
      latency: null,
      applev: null,
      sip_utils: false,
      go_asmcgocall: null,
      guard_std_fds: null,
    },
    skip_sip: ["git"],
    startup_retry: { min_ms: 500, max_ms: 5000, max_retries: 2 },
    ci: { output_dir: null },
    key,
    traceparent: null,
    baggage: null,
    connect_tcp: null,
  };
}
