/**
 * `feature.network`: incoming (mirror/steal with HTTP filters), outgoing and DNS.
 *
 * @module
 */
import {
  type JsonSchema,
  oneOfStrings,
  optBool,
  optString,
  optStringList,
  orNull,
  ref,
  strictObject,
  toggle,
  uint,
} from "./_builders.ts";

const PORT = uint("uint16");
const PORT_PAIR = { type: "array", prefixItems: [PORT, PORT], minItems: 2, maxItems: 2 };
const REGEX = "A regex (fancy-regex dialect, see `mirrord-ts` docs for the accepted subset).";

function sideFilter(what: string): JsonSchema {
  return {
    oneOf: [
      strictObject(
        { remote: ref("StringOrList") },
        `Only these ${what} go through the target; everything else stays local.`,
        ["remote"],
      ),
      strictObject(
        { local: ref("StringOrList") },
        `These ${what} stay local; everything else goes through the target.`,
        ["local"],
      ),
    ],
  };
}

const bodyFilter = {
  oneOf: [
    strictObject(
      {
        body: { type: "string", const: "json", description: "The body is parsed as JSON." },
        query: { type: "string", description: "JSONPath (RFC 9535) run on the body." },
        matches: { type: "string", description: `${REGEX} Matched against each query result.` },
      },
      "Match requests by their JSON body.",
      ["body", "query", "matches"],
    ),
  ],
};

/** Definitions of `feature.network`. */
export const networkDefs: Record<string, JsonSchema> = {
  Network: strictObject(
    {
      dns: orNull(toggle("Dns", "Name resolution through the target: true/false or an object.")),
      incoming: orNull(
        toggle(
          "IncomingSetting",
          "Traffic arriving at the target: true = mirror, false = off, a mode string, or an object.",
        ),
      ),
      ipv6: optBool("Handle IPv6 traffic too (env `MIRRORD_ENABLE_IPV6`). Default true."),
      outgoing: orNull(toggle("Outgoing", "Connections the app makes: true/false or an object.")),
    },
    "Network features.",
  ),
  IncomingMode: oneOfStrings(
    {
      mirror: "The app gets a copy of the target's traffic; the target still answers (default).",
      steal: "The app gets the traffic instead of the target and answers it.",
      off: "No incoming traffic.",
    },
    "Incoming mode (env `MIRRORD_AGENT_TCP_STEAL_TRAFFIC=true` selects steal).",
  ),
  IncomingSetting: { anyOf: [orNull(ref("IncomingMode")), ref("Incoming")] },
  Incoming: strictObject(
    {
      http_filter: orNull(toggle("HttpFilter", "Steal only HTTP requests that match.")),
      https_delivery: orNull(ref("TlsDelivery"), "Deprecated name of `tls_delivery`."),
      ignore_localhost: optBool(
        "Do not subscribe to ports the app binds on localhost only. Default false.",
      ),
      ignore_ports: {
        type: ["array", "null"],
        items: PORT,
        description: "Ports that stay local. Not with `ports`.",
      },
      listen_ports: {
        type: ["array", "null"],
        items: PORT_PAIR,
        description:
          "`[port the app asks for, port actually bound locally]` pairs, e.g. `[[80, 4480]]`.",
      },
      mode: orNull(ref("IncomingMode")),
      on_concurrent_steal: orNull(
        oneOfStrings({
          override: "Take over traffic another session steals.",
          continue: "Steal alongside the other session.",
          abort: "Stop when another session already steals (default).",
        }),
        "Operator only: what to do when another session steals the same port (env `MIRRORD_OPERATOR_ON_CONCURRENT_STEAL`).",
      ),
      port_mapping: {
        type: ["array", "null"],
        items: PORT_PAIR,
        description:
          "`[local port, remote port]` pairs for an app that listens on another port than the target.",
      },
      ports: {
        type: ["array", "null"],
        items: PORT,
        description: "Only these remote ports are mirrored/stolen. Not with `ignore_ports`.",
      },
      tls_delivery: orNull(ref("TlsDelivery")),
    },
    "Incoming traffic in detail.",
  ),
  HttpFilter: strictObject(
    {
      all_of: {
        type: ["array", "null"],
        items: ref("InnerHttpFilter"),
        description: "A request must match every filter in the (non-empty) list.",
      },
      any_of: {
        type: ["array", "null"],
        items: ref("InnerHttpFilter"),
        description: "A request must match one filter of the (non-empty) list.",
      },
      body_filter: orNull(bodyFilter),
      header_filter: optString(
        `${REGEX} Matched against each \`Name: value\` header line, case-insensitive (env \`MIRRORD_HTTP_HEADER_FILTER\`).`,
      ),
      header_filter_jq: optString(
        "A jq program run on the headers; the request matches when it yields true (env `MIRRORD_HTTP_HEADER_FILTER_JQ`).",
      ),
      method_filter: optString("HTTP method, e.g. `POST` (env `MIRRORD_HTTP_METHOD_FILTER`)."),
      path_filter: optString(
        `${REGEX} Matched against the path with and without the query, case-insensitive (env \`MIRRORD_HTTP_PATH_FILTER\`).`,
      ),
      ports: {
        anyOf: [PORT, { type: "array", items: PORT }, { type: "null" }],
        description:
          "Ports where the HTTP filter applies; other stolen ports are stolen whole (env `MIRRORD_HTTP_FILTER_PORTS`). Unset: all ports.",
      },
    },
    "Steal only matching HTTP requests; the rest goes to the target. Use one kind of filter, or combine with `all_of`/`any_of`.",
  ),
  InnerHttpFilter: {
    anyOf: [
      strictObject({ header: { type: "string", description: REGEX } }, "Header line regex.", [
        "header",
      ]),
      strictObject({ path: { type: "string", description: REGEX } }, "Path regex.", ["path"]),
      strictObject({ method: { type: "string" } }, "HTTP method.", ["method"]),
      bodyFilter,
      strictObject({ query: { type: "string" } }, "jq program run on the headers.", ["query"]),
    ],
  },
  TlsDelivery: strictObject(
    {
      protocol: oneOfStrings({ tcp: "Plain TCP to the local app.", tls: "TLS to the local app." }),
      server_cert: optString("PEM certificate the local app's server must present."),
      server_name: optString("SNI name used when connecting to the local app."),
      trust_roots: optStringList("PEM files of CAs trusted for the local app's certificate."),
    },
    "Operator only: how stolen TLS traffic is delivered to the local app.",
    ["protocol"],
  ),
  Outgoing: strictObject(
    {
      filter: orNull(
        sideFilter("destinations"),
        "Destinations as `[tcp://|udp://][name|address|subnet/mask][:port]`, e.g. `tcp://10.0.0.0/8:5432`, `db.svc`, `:53`.",
      ),
      ignore_localhost: optBool("Connections to localhost stay local. Default false."),
      tcp: optBool(
        "Outgoing TCP goes through the target (env `MIRRORD_TCP_OUTGOING`). Default true.",
      ),
      udp: optBool(
        "Outgoing UDP goes through the target (env `MIRRORD_UDP_OUTGOING`). Default true.",
      ),
      unix_streams: orNull(
        ref("StringOrList"),
        `Unix socket paths connected in the target (env \`MIRRORD_OUTGOING_REMOTE_UNIX_STREAMS\`). ${REGEX}`,
      ),
    },
    "Connections the app opens.",
  ),
  Dns: strictObject(
    {
      enabled: optBool("Resolve names in the target (env `MIRRORD_REMOTE_DNS`). Default true."),
      filter: orNull(
        sideFilter("names"),
        "Names as `name|address|subnet/mask[:port]`, e.g. `db.svc`, `10.0.0.0/8`, `api:443`.",
      ),
    },
    "Name resolution.",
  ),
};
