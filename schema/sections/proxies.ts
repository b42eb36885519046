/**
 * The helper processes mirrord starts on the user's machine: the internal proxy, the external
 * proxy and the container-mode sidecar; plus `experimental`.
 *
 * @module
 */
import {
  type JsonSchema,
  optBool,
  optString,
  optStringList,
  optUint,
  orNull,
  strictObject,
} from "./_builders.ts";

/** Definitions of `internal_proxy`, `external_proxy`, `container` and `experimental`. */
export const proxyDefs: Record<string, JsonSchema> = {
  InternalProxy: strictObject(
    {
      idle_timeout: optUint(
        "uint64",
        "Seconds the intproxy stays up after the last process disconnects. Default 5.",
      ),
      json_log: optBool("intproxy log as JSON lines. Default true."),
      log_destination: optString(
        "File (or folder) of the intproxy log. Unset: `<temp dir>/mirrord-intproxy-<time>-<random>.log`.",
      ),
      log_level: optString("intproxy log filter in RUST_LOG syntax. Default `mirrord=info,warn`."),
      ping_interval: optUint(
        "uint64",
        "Seconds between keep-alive pings to the agent. Default 30.",
      ),
      process_logging_interval: optUint(
        "uint64",
        "Seconds between the intproxy's process-status log lines. Default 60.",
      ),
      socket_timeout: optUint(
        "uint64",
        "Seconds an idle connection to the agent may stay open. Default 31536000.",
      ),
      start_idle_timeout: optUint(
        "uint64",
        "Seconds the intproxy waits for the first process to connect. Default 60.",
      ),
    },
    "The internal proxy: the per-session process between the app's layer and the agent.",
  ),
  ExternalProxy: strictObject(
    {
      host_ip: optString("Address the external proxy listens on.", { format: "ip" }),
      idle_timeout: optUint(
        "uint64",
        "Seconds it stays up after the last client leaves. Default 5.",
      ),
      json_log: optBool("Log as JSON lines. Default true."),
      log_destination: optString("Log file. Unset: a `mirrord-extproxy-…` file in the temp dir."),
      log_level: optString("Log filter in RUST_LOG syntax."),
      start_idle_timeout: optUint("uint64", "Seconds it waits for the first client. Default 60."),
      tls_enable: optBool("TLS between the sidecar and the external proxy. Default true."),
    },
    "The external proxy used by `mirrord container`.",
  ),
  Container: strictObject(
    {
      cli_extra_args: optStringList("Extra arguments of the sidecar container's `run` command."),
      cli_image: optString("Sidecar image. Default `ghcr.io/metalbear-co/mirrord-cli:<version>`."),
      cli_image_lib_path: optString("Path of the layer library inside the sidecar image."),
      cli_prevent_cleanup: optBool(
        "Keep the sidecar container after the session (no `--rm`). Default false.",
      ),
      cli_tls_path: optString(
        "Path of the TLS PEM inside the sidecar. Default `/opt/mirrord/tls/mirrord-tls.pem`.",
      ),
      host_gateway_detection: optBool(
        "Reach the host through `host-gateway` from the sidecar. Default true.",
      ),
      override_host_ip: optString("Host address the sidecar uses instead of detecting it.", {
        format: "ip",
      }),
      platform: optString("`--platform` of the sidecar image."),
    },
    "`mirrord container`: the sidecar that runs the intproxy next to your container.",
  ),
  Experimental: strictObject(
    {
      applev: orNull(strictObject({}, "macOS only: Apple variables.")),
      browser_extension_config: optBool("Configure the mirrord browser extension. Default false."),
      disable_reuseaddr: optBool(
        "Ignore `SO_REUSEADDR` on sockets the app binds. Set to true by OSS runs when unset.",
      ),
      dlopen_cgo: optBool("Hook Go's cgo through dlopen. Default false."),
      enable_exec_hooks_linux: optBool("Load into programs the app execs. Default true."),
      go_asmcgocall: optBool("Hook Go's asmcgocall. Set to true by OSS runs when unset."),
      guard_std_fds: optBool("Never treat fds 0-2 as remote. Set to true by OSS runs when unset."),
      hide_ipv6_interfaces: optBool("Hide IPv6 interfaces from the app. Default false."),
      idle_local_http_connection_timeout: optUint(
        "uint64",
        "Milliseconds an idle connection to the local app's HTTP server is kept. Default 3000.",
      ),
      ignore_system_proxy_config: optBool("Ignore the system proxy settings. Default false."),
      latency: orNull(
        strictObject({
          receive_delay: optUint("uint64", "Milliseconds added on receive."),
          transmit_delay: optUint("uint64", "Milliseconds added on send."),
        }),
        "Deprecated: artificial latency.",
      ),
      non_blocking_tcp_connect: { ...optBool("Deprecated and ignored."), deprecated: true },
      sip_log_destination: optString("macOS only: SIP patching log file."),
      sip_utils: { ...optBool("Deprecated and ignored."), deprecated: true },
      tcp_ping4_mock: optBool("Answer `ping` for IPv4 locally. Default true."),
      trust_any_certificate: optBool("macOS only: trust any TLS certificate. Default false."),
      use_dev_null: optBool("Open `/dev/null` locally. Default true."),
    },
    "Features still being tried out; they may change.",
  ),
};
