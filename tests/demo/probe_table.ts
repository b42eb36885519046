/**
 * The demo's side-by-side table: what the same program saw on this machine and under `mirrord
 * exec` against the target pod, and whether the mirrord side shows what only the pod has.
 *
 * @module
 */
import type { ProbeReport, Workloads } from "../e2e/workloads.ts";
import { BACKEND, POD_ENV, POD_FILE } from "../e2e/workloads.ts";

/** One row: what was looked at, and what each run saw. */
export interface Row {
  what: string;
  local: string;
  mirrord: string;
  ok: boolean;
}

function fileText(report: ProbeReport): string {
  if (report.file !== undefined) return JSON.stringify(report.file.trim());
  return report.file_error ?? "?";
}

function dnsText(report: ProbeReport, backendIp: string | null): string {
  if (!report.dns) return `does not resolve (${report.network_error ?? "?"})`;
  const ips = report.dns.join(", ");
  return backendIp && report.dns.includes(backendIp) ? `${ips} (the Service's IP)` : ips;
}

function httpText(report: ProbeReport, podIp: string | null): string {
  if (!report.http) return "failed";
  const from = report.http.caller === podIp
    ? `from ${report.http.caller} = the pod's IP`
    : `from ${report.http.caller}`;
  return `${JSON.stringify(report.http.greeting)}, ${from}`;
}

/**
 * The rows of the table.
 *
 * @param local the report of the run without mirrord
 * @param mirrord the report of the run with mirrord
 * @param w the deployed workloads
 * @returns the rows; `ok` says whether the mirrord side is right
 */
export function probeRows(local: ProbeReport, mirrord: ProbeReport, w: Workloads): Row[] {
  return [
    {
      what: `$${POD_ENV.name}`,
      local: local.env ?? "(not set)",
      mirrord: mirrord.env ?? "(not set)",
      ok: mirrord.env === POD_ENV.value,
    },
    {
      what: POD_FILE.path,
      local: fileText(local),
      mirrord: fileText(mirrord),
      ok: mirrord.file === POD_FILE.content,
    },
    {
      what: "hostname",
      local: local.hostname,
      mirrord: mirrord.hostname,
      ok: mirrord.hostname === w.echoPod,
    },
    {
      what: `DNS "${BACKEND.name}"`,
      local: dnsText(local, null),
      mirrord: dnsText(mirrord, w.backendIp),
      ok: mirrord.dns?.includes(w.backendIp) ?? false,
    },
    {
      what: `GET http://${BACKEND.name}/`,
      local: httpText(local, null),
      mirrord: httpText(mirrord, w.echoPodIp),
      ok: mirrord.http?.greeting === BACKEND.greeting && mirrord.http?.caller === w.echoPodIp,
    },
  ];
}

/**
 * Renders the rows as text columns.
 *
 * @param rows from {@link probeRows}
 * @param mirrordTitle heading of the mirrord column
 * @param titles headings of the other columns
 * @returns the lines
 */
export function renderTable(
  rows: Row[],
  mirrordTitle: string,
  titles = { what: "what the program saw", local: "on this machine" },
): string[] {
  const header = { ...titles, mirrord: mirrordTitle };
  const widths = {
    what: Math.max(header.what.length, ...rows.map((r) => r.what.length)),
    local: Math.min(36, Math.max(header.local.length, ...rows.map((r) => r.local.length))),
  };
  const cut = (text: string, width: number) =>
    text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
  const line = (what: string, local: string, mirrord: string, mark: string) =>
    `  ${mark} ${cut(what, widths.what)}  ${cut(local, widths.local)}  ${mirrord}`;
  return [
    line(header.what, header.local, header.mirrord, " "),
    ...rows.map((r) => line(r.what, r.local, r.mirrord, r.ok ? "✓" : "✗")),
  ];
}
