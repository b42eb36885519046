/**
 * Invalid configurations, each with the message users must get. `schema` tells whether the
 * JSON Schema alone rejects it (then mirrord's schema must reject it too); the others are
 * caught by parsing, templating or verification.
 *
 * @module
 */

/** One invalid config. */
export interface InvalidCase {
  name: string;
  /** file text (JSON unless `extension` says otherwise) */
  text: string;
  extension?: string;
  /** rejected by the schema alone */
  schema: boolean;
  /** substrings the error lines must contain, in order */
  expected: string[];
}

const j = (value: unknown) => JSON.stringify(value);

/** Every invalid case (at least 40). */
export const INVALID_CASES: InvalidCase[] = [
  // syntax
  {
    name: "json trailing comma",
    text: '{\n  "agent": {},\n}',
    schema: false,
    expected: ["invalid JSON at line 3, column 1"],
  },
  {
    name: "json unquoted key",
    text: "{ agent: {} }",
    schema: false,
    expected: ["invalid JSON at line 1, column 3"],
  },
  {
    name: "json empty file",
    text: "",
    schema: false,
    expected: ["invalid JSON", "the file is empty"],
  },
  {
    name: "toml bad value",
    text: "[agent]\nttl = \n",
    extension: "toml",
    schema: false,
    expected: ["invalid TOML at line 2, column 7"],
  },
  {
    name: "yaml bad indentation",
    text: "feature:\n  fs: read\n fs: write\n",
    extension: "yaml",
    schema: false,
    expected: ["invalid YAML at line 3"],
  },
  {
    name: "yaml duplicate key",
    text: "agent:\n  ttl: 1\n  ttl: 2\n",
    extension: "yml",
    schema: false,
    expected: ["invalid YAML at line 3", "unique"],
  },
  {
    name: "unsupported extension",
    text: "{}",
    extension: "ini",
    schema: false,
    expected: ['unsupported file extension "ini"', ".json, .toml, .yaml or .yml"],
  },
  // template
  {
    name: "template undefined variable",
    text: '{"agent": {"namespace": "{{ branch }}"}}',
    schema: false,
    expected: ['"{{ branch }}" is undefined', "default(value="],
  },
  {
    name: "template syntax",
    text: '{"agent": {"namespace": "{{ key "}}',
    schema: false,
    expected: ["render config template", "expected variable end"],
  },
  {
    name: "template get_env without default",
    text: '{"kube_context": "{{ get_env(name="MIRRORD_TEST_SURELY_UNSET") }}"}',
    schema: false,
    expected: ['environment variable "MIRRORD_TEST_SURELY_UNSET" is not set'],
  },
  // unknown keys
  {
    name: "unknown top-level key",
    text: j({ targt: "pod/a" }),
    schema: true,
    expected: ['targt: unknown key "targt"', 'did you mean "target"?'],
  },
  {
    name: "unknown feature key",
    text: j({ feature: { netwrok: true } }),
    schema: true,
    expected: ["feature.netwrok: unknown key", 'did you mean "network"?'],
  },
  {
    name: "unknown incoming key",
    text: j({ feature: { network: { incoming: { mdoe: "steal" } } } }),
    schema: true,
    expected: ["feature.network.incoming.mdoe: unknown key", '"mode"'],
  },
  {
    name: "unknown http filter key",
    text: j({ feature: { network: { incoming: { http_filter: { header_filer: "x" } } } } }),
    schema: true,
    expected: ['did you mean "header_filter"?'],
  },
  {
    name: "unknown agent key",
    text: j({ agent: { tll: 3 } }),
    schema: true,
    expected: ["agent.tll: unknown key", 'did you mean "ttl"?'],
  },
  {
    name: "unknown target key",
    text: j({ target: { pth: "pod/a" } }),
    schema: true,
    expected: ["target.pth: unknown key", 'did you mean "path"?'],
  },
  {
    name: "unknown target object key",
    text: j({ target: { path: { pod: "a", contaner: "b" } } }),
    schema: true,
    expected: ["target.path.contaner: unknown key", 'did you mean "container"?'],
  },
  {
    name: "unknown fs key",
    text: j({ feature: { fs: { mode: "read", readonly: ["x"] } } }),
    schema: true,
    expected: ["feature.fs.readonly: unknown key", 'did you mean "read_only"?'],
  },
  // wrong types and values
  {
    name: "ttl as string",
    text: j({ agent: { ttl: "30" } }),
    schema: true,
    expected: ['agent.ttl: expected integer; found string "30"'],
  },
  {
    name: "ttl too large",
    text: j({ agent: { ttl: 70000 } }),
    schema: true,
    expected: ["agent.ttl: expected at most 65535; found 70000"],
  },
  {
    name: "negative timeout",
    text: j({ agent: { startup_timeout: -1 } }),
    schema: true,
    expected: ["agent.startup_timeout: expected at least 0; found -1"],
  },
  {
    name: "fs mode misspelled",
    text: j({ feature: { fs: "reed" } }),
    schema: true,
    expected: [
      'feature.fs: expected one of "local", "localwithoverrides", "read", "write"; found "reed"',
      'did you mean "read"?',
    ],
  },
  {
    name: "fs as number",
    text: j({ feature: { fs: 5 } }),
    schema: true,
    expected: ["feature.fs: expected boolean, string or object; found integer 5"],
  },
  {
    name: "incoming mode misspelled",
    text: j({ feature: { network: { incoming: { mode: "steel" } } } }),
    schema: true,
    expected: [
      'feature.network.incoming.mode: expected one of "mirror", "steal", "off"',
      'did you mean "steal"?',
    ],
  },
  {
    name: "port mapping with three ports",
    text: j({ feature: { network: { incoming: { port_mapping: [[1, 2, 3]] } } } }),
    schema: true,
    expected: ["feature.network.incoming.port_mapping[0]: expected at most 2 items; found 3 items"],
  },
  {
    name: "port out of range",
    text: j({ feature: { network: { incoming: { ignore_ports: [70000] } } } }),
    schema: true,
    expected: ["feature.network.incoming.ignore_ports[0]: expected at most 65535"],
  },
  {
    name: "outgoing filter both sides",
    text: j({ feature: { network: { outgoing: { filter: { remote: ["a"], local: ["b"] } } } } }),
    schema: true,
    expected: [
      'feature.network.outgoing.filter: the keys "local" and "remote" cannot be used together',
    ],
  },
  {
    name: "dns filter without side",
    text: j({ feature: { network: { dns: { filter: {} } } } }),
    schema: true,
    expected: ['feature.network.dns.filter: needs one of the keys "remote", "local"'],
  },
  {
    name: "skip_processes with number",
    text: j({ skip_processes: [1] }),
    schema: true,
    expected: ["skip_processes[0]: expected string; found integer 1"],
  },
  {
    name: "copy_target as string",
    text: j({ feature: { copy_target: "yes" } }),
    schema: true,
    expected: ['feature.copy_target: expected boolean or object; found string "yes"'],
  },
  { name: "root is a list", text: "[]", schema: true, expected: ["expected object; found a list"] },
  {
    name: "target object missing type",
    text: j({ target: { path: { container: "c" } } }),
    schema: true,
    expected: ['target.path: needs one of the keys "deployment", "pod"'],
  },
  {
    name: "pull secret without name",
    text: j({ agent: { image_pull_secrets: [{}] } }),
    schema: true,
    expected: ['agent.image_pull_secrets[0]: missing key "name"'],
  },
  {
    name: "bad ip",
    text: j({ container: { override_host_ip: "not-an-ip" } }),
    schema: true,
    expected: ["container.override_host_ip: expected a valid ip"],
  },
  {
    name: "body filter wrong kind",
    text: j({
      feature: {
        network: {
          incoming: { http_filter: { body_filter: { body: "xml", query: "$", matches: "x" } } },
        },
      },
    }),
    schema: true,
    expected: ['feature.network.incoming.http_filter.body_filter.body: expected one of "json"'],
  },
  // semantic
  {
    name: "target without type",
    text: j({ target: "api" }),
    schema: false,
    expected: [
      'target.path: target "api" has no known type (did you mean "pod/api"?)',
      "accepted forms",
    ],
  },
  {
    name: "target with extra parts",
    text: j({ target: "pod/a/b" }),
    schema: false,
    expected: ['target "pod/a/b" has extra parts'],
  },
  {
    name: "bad regex possessive",
    text: j({
      target: "pod/a",
      feature: { network: { incoming: { mode: "steal", http_filter: { header_filter: "a++" } } } },
    }),
    schema: false,
    expected: [
      'feature.network.incoming.http_filter.header_filter: regex "a++" uses a possessive quantifier',
    ],
  },
  {
    name: "bad regex unbalanced",
    text: j({ feature: { fs: { read_only: ["^/etc/(unclosed"] } } }),
    schema: false,
    expected: ['feature.fs.read_only[0]: regex "^/etc/(unclosed" does not compile'],
  },
  {
    name: "bad regex posix class",
    text: j({ feature: { network: { outgoing: { unix_streams: "[[:alpha:]]" } } } }),
    schema: false,
    expected: ["feature.network.outgoing.unix_streams[0]", "POSIX class"],
  },
  {
    name: "bad env mapping regex",
    text: j({ feature: { env: { mapping: { "(?x)A": "1" } } } }),
    schema: false,
    expected: ['feature.env.mapping["(?x)A"]', "inline flag"],
  },
  {
    name: "include and exclude",
    text: j({ feature: { env: { include: "A", exclude: "B" } } }),
    schema: false,
    expected: ["feature.env: cannot use both include and exclude"],
  },
  {
    name: "ports and ignore_ports",
    text: j({ feature: { network: { incoming: { ports: [80], ignore_ports: [81] } } } }),
    schema: false,
    expected: ["cannot use both ignore_ports and ports"],
  },
  {
    name: "two http filter kinds",
    text: j({
      target: "pod/a",
      feature: {
        network: {
          incoming: { mode: "steal", http_filter: { header_filter: "a", path_filter: "b" } },
        },
      },
    }),
    schema: false,
    expected: ["cannot use path_filter and header_filter together", "any_of or all_of"],
  },
  {
    name: "empty all_of",
    text: j({ feature: { network: { incoming: { http_filter: { all_of: [] } } } } }),
    schema: false,
    expected: ["http_filter.all_of: composite HTTP filter cannot be empty"],
  },
  {
    name: "empty string in filter",
    text: j({ feature: { network: { incoming: { http_filter: { path_filter: "" } } } } }),
    schema: false,
    expected: ["http_filter.path_filter: HTTP filter values cannot be empty strings"],
  },
  {
    name: "bad jsonpath",
    text: j({
      feature: {
        network: {
          incoming: {
            http_filter: { body_filter: { body: "json", query: "library", matches: "x" } },
          },
        },
      },
    }),
    schema: false,
    expected: ['body_filter.query: "library" is not a JSONPath'],
  },
  {
    name: "steal without target",
    text: j({ feature: { network: { incoming: "steal" } } }),
    schema: false,
    expected: ["feature.network.incoming.mode: steal mode needs a target"],
  },
  {
    name: "ephemeral targetless",
    text: j({ target: "targetless", agent: { ephemeral: true } }),
    schema: false,
    expected: ["agent.ephemeral: an ephemeral agent needs a target"],
  },
  {
    name: "operator target without operator",
    text: j({ operator: false, target: "statefulset/db" }),
    schema: false,
    expected: ['"statefulset" targets need the mirrord operator'],
  },
  {
    name: "copy target without operator",
    text: j({ operator: false, target: "deployment/d", feature: { copy_target: true } }),
    schema: false,
    expected: ["feature.copy_target: copy target needs the mirrord operator"],
  },
  {
    name: "copy target targetless",
    text: j({ target: "targetless", feature: { copy_target: true } }),
    schema: false,
    expected: ["feature.copy_target: copy target needs a target"],
  },
  {
    name: "copy target service",
    text: j({
      target: "service/s",
      feature: { copy_target: true, network: { incoming: "steal" } },
    }),
    schema: false,
    expected: ["copy target does not support service targets"],
  },
  {
    name: "outgoing filter entry",
    text: j({ feature: { network: { outgoing: { filter: { remote: ["http://x"] } } } } }),
    schema: false,
    expected: [
      'feature.network.outgoing.filter.remote[0]: filter entry "http://x" has the protocol "http"',
    ],
  },
  {
    name: "outgoing filter empty",
    text: j({ feature: { network: { outgoing: { filter: { local: [] } } } } }),
    schema: false,
    expected: ["feature.network.outgoing.filter: the filter list is empty"],
  },
  {
    name: "dns filter with protocol",
    text: j({ feature: { network: { dns: { filter: { local: ["tcp://a"] } } } } }),
    schema: false,
    expected: ['feature.network.dns.filter.local[0]: filter entry "tcp://a" has a protocol'],
  },
  {
    name: "readonly buffer too large",
    text: j({ feature: { fs: { readonly_file_buffer: 16 * 1024 * 1024 } } }),
    schema: false,
    expected: ["feature.fs.readonly_file_buffer: 16777216 is above the 15 MiB limit"],
  },
  {
    name: "startup retry min above max",
    text: j({ startup_retry: { min_ms: 10, max_ms: 5 } }),
    schema: false,
    expected: ["startup_retry.min_ms: 10 is greater than startup_retry.max_ms (5)"],
  },
  {
    name: "startup retry max zero",
    text: j({ startup_retry: { min_ms: 0, max_ms: 0 } }),
    schema: false,
    expected: ["startup_retry.max_ms: must be greater than 0"],
  },
  {
    name: "duplicate port mapping",
    text: j({ feature: { network: { incoming: { port_mapping: [[1, 2], [1, 3]] } } } }),
    schema: false,
    expected: ["port_mapping: maps port 1 or 3 twice"],
  },
  {
    name: "label target without labels",
    text: j({ operator: true, target: { path: { labels: {} } } }),
    schema: false,
    expected: ["target.path.labels: a label target needs at least one label"],
  },
];
