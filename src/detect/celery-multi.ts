// `celery multi start <nodes> … <options>`: Celery's daemonizing guide's systemd unit (Type=forking,
// its node names and options in an EnvironmentFile such as /etc/default/celeryd) starts one
// `celery worker` daemon per node and exits. Each node is a worker of its own, with its own queues,
// concurrency and, for one of them, embedded beat (`--beat:celery`): Weblate's celery-weblate.service
// runs five that way. The unit is read as those workers, each with the command it would run in the
// foreground. https://docs.celeryq.dev/en/stable/userguide/daemonizing.html#usage-systemd
// https://docs.celeryq.dev/en/stable/reference/celery.bin.multi.html
import { basename, classifyCommand, findingFacts, mainStatement, splitCommand } from "./command.js";
import { sanitiseName } from "./procfile.js";
import { attachEnvValues } from "./systemd.js";
import type { ServiceFinding } from "./types.js";

/**
 * A unit's command with the variables of its Environment= and EnvironmentFile= filled in, as
 * systemd does for `${NAME}` and `$NAME` in ExecStart (and `sh -c` would for what systemd leaves);
 * a name with no known value stays as written.
 * https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#Command%20lines
 */
export function expandUnitVariables(command: string, values: Record<string, string>): string {
  return command.replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (whole, braced?: string, bare?: string) => {
    const value = values[(braced ?? bare)!];
    return value ?? whole;
  });
}

/** The names a unit's command line reads (`${NAME}`, `$NAME`). */
export function commandVariables(command: string): string[] {
  return [...new Set([...command.matchAll(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g)].map((m) => (m[1] ?? m[2])!))];
}

/** The files a daemonized node writes that a foreground process has no use for (logs go to stdout). */
const DAEMON_ONLY = new Set(["--pidfile", "--logfile", "-f", "--detach"]);
/** Celery 5's options of the `celery` command itself, which must come before the `worker` subcommand. */
const GLOBAL = new Set(["-A", "--app", "-b", "--broker", "--result-backend", "--loader", "--config", "--workdir"]);

/** Whether a node-scoped option (`-c:1-3`, `--queues:notify`, `-Q:1,2`) applies to the node. */
function inScope(scope: string, node: string, index: number): boolean {
  return scope.split(",").some((part) => {
    if (part === node) return true;
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) return index >= Number(range[1]) && index <= Number(range[2]);
    return /^\d+$/.test(part) && Number(part) === index;
  });
}

export interface MultiNode {
  name: string;
  argv: string[];
}

/**
 * The workers `celery multi start` starts: node names (or a count, `3` → celery1…celery3), then
 * options for all nodes and options scoped to some (`--queues:notify=notify`, `-c:1-3 10`, a bare
 * `--beat:celery`), as celery.apps.multi reads them. Each node's foreground command: the same
 * program, the global options, `worker --hostname=<node>@%h` and its options, without the pid and
 * log files the daemons were told to write. Undefined when the words are not a `multi start`.
 */
export function celeryMultiNodes(words: readonly string[]): MultiNode[] | undefined {
  const program = words.findIndex((w) => basename(w) === "celery");
  const multi = words.indexOf("multi", program);
  if (program < 0 || multi < 0 || !["start", "restart"].includes(words[multi + 1] ?? "")) return undefined;
  const rest = words.slice(multi + 2);
  let i = 0;
  const names: string[] = [];
  while (i < rest.length && !rest[i]!.startsWith("-")) names.push(rest[i++]!);
  const nodes =
    names.length === 1 && /^\d+$/.test(names[0]!)
      ? Array.from({ length: Number(names[0]) }, (_, k) => `celery${k + 1}`)
      : names;
  if (!nodes.length) return undefined;
  const global = words.slice(program + 1, multi);
  const common: string[] = [];
  const scoped: { scope: string; words: string[] }[] = [];
  while (i < rest.length) {
    const word = rest[i++]!;
    if (!word.startsWith("-")) continue;
    const long = word.startsWith("--");
    const eq = long ? word.indexOf("=") : -1;
    const flag = eq < 0 ? word : word.slice(0, eq);
    // A short option takes the next word as its value (`-A app`, `-c:1-3 10`); a long one only `=`.
    const value =
      eq >= 0 ? word.slice(eq + 1) : !long && i < rest.length && !rest[i]!.startsWith("-") ? rest[i++] : undefined;
    const colon = flag.indexOf(":");
    const name = colon < 0 ? flag : flag.slice(0, colon);
    if (DAEMON_ONLY.has(name)) continue;
    const out = value === undefined ? [name] : long ? [`${name}=${value}`] : [name, value];
    if (colon >= 0) scoped.push({ scope: flag.slice(colon + 1), words: out });
    else if (GLOBAL.has(name)) global.push(...out);
    else common.push(...out);
  }
  return nodes.map((name, k) => ({
    name,
    argv: [
      words[program]!,
      ...global,
      "worker",
      `--hostname=${name}@%h`,
      ...common,
      ...scoped.filter((s) => inScope(s.scope, name, k + 1)).flatMap((s) => s.words),
    ],
  }));
}

/** A word as a shell reads it back: quoted only when it holds something the shell would split or expand. */
const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** The words of a unit's program, through a `sh -c` script to the statement that starts it. */
function programWords(command: string): string[] {
  const words = splitCommand(command.replace(/^[-@+!:]+/, "").trim());
  if (words.length >= 3 && /^(ba|da|z)?sh$/.test(basename(words[0]!)) && /^-[a-z]*c$/.test(words[1]!))
    return splitCommand(mainStatement(words[2]!));
  return words;
}

/**
 * A unit that runs `celery multi start` as its nodes, one finding each (`<unit>-<node>`, the unit
 * kept so each is still known as the unit's), its variables filled in from the unit's environment;
 * undefined for any other unit.
 */
export function celeryMultiFindings(unit: ServiceFinding): ServiceFinding[] | undefined {
  if (!unit.command) return undefined;
  const expanded = expandUnitVariables(unit.command, unit.envValues ?? {});
  const nodes = celeryMultiNodes(programWords(expanded));
  // A value the ssh read kept on the VM (read-host.sh sends only plain values) or one never set, in
  // what the workers would run, leaves them unknown: no worker is made up from a placeholder. The
  // pid and log files (dropped) may be either.
  // (`<redacted:vm>` splits into redirections: a node is a name celery takes, a word no operator.)
  const unknown = (word: string) => /<redacted:vm>|\$\{?[A-Za-z_]|^[<>|&;]+$/.test(word);
  if (!nodes || nodes.some((n) => !/^[\w.@%-]+$/.test(n.name) || n.argv.some(unknown))) return undefined;
  const base = unit.name;
  // The unit's variables its command line read (CELERY_BIN, CELERY_APP, CELERYD_NODES, CELERYD_OPTS,
  // the pid and log files) were the launcher's: they are in each node's command now, or dropped with
  // the daemon's files, and no worker reads them from its environment. They are not the app's settings.
  const launcher = new Set(commandVariables(unit.command));
  const env = unit.env?.filter((n) => !launcher.has(n));
  const unitEnv = unit.unitEnv?.filter((n) => !launcher.has(n));
  return nodes.map(({ name, argv }) => {
    const command = argv.map(shellWord).join(" ");
    const { role, software, listen, process } = findingFacts(classifyCommand(command));
    const finding: ServiceFinding = {
      ...unit,
      name: sanitiseName(`${base}-${name}`) || base,
      celeryNode: name,
      role,
      software,
      listen,
      command,
      ...(process ? { process } : {}),
    };
    if (!process) delete finding.process;
    if (env?.length) finding.env = env;
    else delete finding.env;
    if (unitEnv?.length) finding.unitEnv = unitEnv;
    else delete finding.unitEnv;
    // An environment file that sets nothing a worker reads is no longer where its settings live.
    if (!env?.some((n) => !unitEnv?.includes(n))) delete finding.envFile;
    if (unit.envValues) attachEnvValues(finding, unit.envValues);
    return finding;
  });
}
