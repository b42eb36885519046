/**
 * Shell completion scripts for the visible commands and options of a command tree (hidden
 * commands are left out, as in mirrord). Scripts are static: completing never starts Deno.
 *
 * @module
 */
import { type Command, Help } from "@commander-js/extra-typings";

/** Shells `mirrord completions` supports (mirrord's list). */
export const SHELLS = ["bash", "elvish", "fish", "powershell", "zsh"] as const;

/** A shell name. */
export type Shell = typeof SHELLS[number];

interface OptionSpec {
  flags: string[];
  description: string;
}

interface CommandSpec {
  name: string;
  description: string;
  options: OptionSpec[];
  /** fixed values of the first argument, when it has choices */
  choices: string[];
}

/** What completion needs to know about a command tree. */
export interface CompletionSpec {
  program: string;
  options: OptionSpec[];
  commands: CommandSpec[];
}

// deno-lint-ignore no-explicit-any
type AnyCommand = Command<any, any, any>;

function optionsOf(help: Help, command: AnyCommand): OptionSpec[] {
  return help.visibleOptions(command as never).map((option) => ({
    flags: [option.short, option.long].filter((f): f is string => Boolean(f)),
    description: option.description,
  }));
}

/**
 * Reads the visible parts of a command tree.
 *
 * @param root the root command
 * @returns the spec scripts are generated from
 */
export function completionSpec(root: AnyCommand): CompletionSpec {
  const help = new Help();
  return {
    program: root.name(),
    options: optionsOf(help, root),
    commands: help.visibleCommands(root as never).map((command) => ({
      name: command.name(),
      description: command.description(),
      options: optionsOf(help, command as AnyCommand),
      choices: (command as AnyCommand).registeredArguments[0]?.argChoices ?? [],
    })),
  };
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

function bash(spec: CompletionSpec): string {
  const fn = `_${spec.program.replace(/\W/g, "_")}`;
  const cases = spec.commands.map((c) => {
    const words = [...c.options.flatMap((o) => o.flags), ...c.choices].join(" ");
    return `    ${c.name}) words=${quote(words)} ;;`;
  });
  const root = [...spec.options.flatMap((o) => o.flags), ...spec.commands.map((c) => c.name)];
  return `# bash completion for ${spec.program}; load with: source <(${spec.program} completions bash)
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" sub="" words="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) sub="\${COMP_WORDS[i]}"; break ;; esac
  done
  case "$sub" in
    "") words=${quote(root.join(" "))} ;;
${cases.join("\n")}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F ${fn} ${spec.program}
`;
}

function zsh(spec: CompletionSpec): string {
  const describe = (items: [string, string][]) =>
    items.map(([w, d]) => quote(`${w.replace(/:/g, "\\:")}:${d}`)).join(" ");
  const rootItems: [string, string][] = [
    ...spec.commands.map((c): [string, string] => [c.name, c.description]),
    ...spec.options.flatMap((o) => o.flags.map((f): [string, string] => [f, o.description])),
  ];
  const cases = spec.commands.map((c) => {
    const items: [string, string][] = [
      ...c.options.flatMap((o) => o.flags.map((f): [string, string] => [f, o.description])),
      ...c.choices.map((w): [string, string] => [w, w]),
    ];
    return `    ${c.name}) items=(${describe(items)}) ;;`;
  });
  return `#compdef ${spec.program}
# zsh completion for ${spec.program}; load with: source <(${spec.program} completions zsh)
_${spec.program}() {
  local -a items
  local sub="" i
  for ((i = 2; i < CURRENT; i++)); do
    [[ \${words[i]} != -* ]] && { sub=\${words[i]}; break; }
  done
  case $sub in
    "") items=(${describe(rootItems)}) ;;
${cases.join("\n")}
  esac
  _describe '${spec.program}' items
}
compdef _${spec.program} ${spec.program}
`;
}

function fishFlag(flag: string): string {
  return flag.startsWith("--") ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`;
}

function fish(spec: CompletionSpec): string {
  const p = spec.program;
  const names = spec.commands.map((c) => c.name).join(" ");
  const lines = [`# fish completion for ${p}; load with: ${p} completions fish | source`];
  lines.push(`complete -c ${p} -f`);
  for (const o of spec.options) {
    lines.push(`complete -c ${p} ${o.flags.map(fishFlag).join(" ")} -d ${quote(o.description)}`);
  }
  for (const c of spec.commands) {
    lines.push(
      `complete -c ${p} -n "not __fish_seen_subcommand_from ${names}" -a ${c.name} -d ${
        quote(c.description)
      }`,
    );
    const when = `-n "__fish_seen_subcommand_from ${c.name}"`;
    for (const o of c.options) {
      lines.push(
        `complete -c ${p} ${when} ${o.flags.map(fishFlag).join(" ")} -d ${quote(o.description)}`,
      );
    }
    if (c.choices.length) lines.push(`complete -c ${p} ${when} -a ${quote(c.choices.join(" "))}`);
  }
  return lines.join("\n") + "\n";
}

function psList(words: string[]): string {
  return `@(${words.map((w) => `'${w.replace(/'/g, "''")}'`).join(", ")})`;
}

function powershell(spec: CompletionSpec): string {
  const entries = spec.commands.map((c) =>
    `  '${c.name}' = ${psList([...c.options.flatMap((o) => o.flags), ...c.choices])}`
  );
  const root = [...spec.commands.map((c) => c.name), ...spec.options.flatMap((o) => o.flags)];
  return `# PowerShell completion for ${spec.program}; load with: ${spec.program} completions powershell | Out-String | Invoke-Expression
$__${spec.program}Words = @{
  '' = ${psList(root)}
${entries.join("\n")}
}
Register-ArgumentCompleter -Native -CommandName '${spec.program}' -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $sub = ''
  foreach ($element in $commandAst.CommandElements | Select-Object -Skip 1) {
    $text = $element.ToString()
    if ($text -eq $wordToComplete) { break }
    if (-not $text.StartsWith('-')) { $sub = $text; break }
  }
  $__${spec.program}Words[$sub] | Where-Object { $_ -like "$wordToComplete*" } |
    ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }
}
`;
}

function elvishList(words: string[]): string {
  return `[${words.map((w) => `'${w.replace(/'/g, "''")}'`).join(" ")}]`;
}

function elvish(spec: CompletionSpec): string {
  const entries = spec.commands.map((c) =>
    `  &'${c.name}'=${elvishList([...c.options.flatMap((o) => o.flags), ...c.choices])}`
  );
  const root = [...spec.commands.map((c) => c.name), ...spec.options.flatMap((o) => o.flags)];
  return `# elvish completion for ${spec.program}; load with: eval (${spec.program} completions elvish | slurp)
var ${spec.program}-words = [
  &''=${elvishList(root)}
${entries.join("\n")}
]
set edit:completion:arg-completer[${spec.program}] = {|@words|
  var sub = ''
  for w $words[1..-1] {
    if (not (has-prefix $w '-')) { set sub = $w; break }
  }
  if (not (has-key $${spec.program}-words $sub)) { set sub = '' }
  all $${spec.program}-words[$sub]
}
`;
}

const GENERATORS: Record<Shell, (spec: CompletionSpec) => string> = {
  bash,
  elvish,
  fish,
  powershell,
  zsh,
};

/**
 * The completion script for a shell.
 *
 * @param shell one of {@link SHELLS}
 * @param root the root command
 * @returns the script text
 * @example
 * ```ts
 * console.log(completionScript("bash", buildProgram()));
 * ```
 */
export function completionScript(shell: Shell, root: AnyCommand): string {
  return GENERATORS[shell](completionSpec(root));
}
