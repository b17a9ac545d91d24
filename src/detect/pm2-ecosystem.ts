// pm2's ecosystem file (https://pm2.keymetrics.io/docs/usage/application-declaration/): `apps`, a
// list of { name, script, cwd, args, interpreter, exec_mode, instances, cron_restart, env, env_<x> }.
// The .json and .yaml forms are data. The .js/.cjs/.mjs form is a program: it is parsed with acorn
// (a parser: nothing is run) and only literal values are taken; a computed value (`path.join(…)`,
// `process.env.X`, a function call, a spread) is named as not read instead of being guessed.
import { parse as parseJs } from "acorn";
import type { AnyNode, Program } from "acorn";
import { parse as parseYaml } from "yaml";
import { pm2Command, pm2Finding, type Pm2Reading } from "./pm2.js";

/** Ecosystem file names pm2's docs and `pm2 init` use (file name only). */
export const ECOSYSTEM_FILE = /^(ecosystem([.-][\w-]+)*|process|pm2)[.](config[.])?(c?js|mjs|json|ya?ml)$/;

/** Stands for a value that is code, not a literal: its key is known, its value is not. */
const COMPUTED = Symbol("computed");
type Value = string | number | boolean | null | Value[] | { [key: string]: Value } | typeof COMPUTED;

function literal(node: AnyNode | null | undefined): Value {
  if (!node) return COMPUTED;
  switch (node.type) {
    case "Literal":
      return "regex" in node || typeof node.value === "bigint" ? COMPUTED : (node.value as Value);
    case "TemplateLiteral":
      return node.expressions.length ? COMPUTED : (node.quasis[0]?.value.cooked ?? COMPUTED);
    case "UnaryExpression":
      return node.operator === "-" && node.argument.type === "Literal" && typeof node.argument.value === "number"
        ? -node.argument.value
        : COMPUTED;
    case "ArrayExpression": {
      const items = node.elements.map((e) => (e?.type === "SpreadElement" ? COMPUTED : literal(e)));
      return items.includes(COMPUTED) ? COMPUTED : items;
    }
    case "ObjectExpression": {
      const out: Record<string, Value> = {};
      for (const p of node.properties) {
        // `...defaults` or `[key]: v`: something is set that only running the file would show.
        if (p.type !== "Property" || p.computed) {
          out["..."] = COMPUTED;
          continue;
        }
        const key = p.key.type === "Identifier" ? p.key.name : p.key.type === "Literal" ? String(p.key.value) : "...";
        out[key] = literal(p.value);
      }
      return out;
    }
    default:
      return COMPUTED;
  }
}

/** `module.exports = …`, `export default …`, `exports.apps = …`, following one top-level `const x = {…}`. */
function exported(program: Program): Value | undefined {
  const declared = new Map<string, AnyNode>();
  for (const statement of program.body)
    if (statement.type === "VariableDeclaration")
      for (const d of statement.declarations) if (d.id.type === "Identifier" && d.init) declared.set(d.id.name, d.init);
  const resolve = (node: AnyNode) => literal(node.type === "Identifier" ? declared.get(node.name) : node);
  for (const statement of program.body) {
    if (statement.type === "ExportDefaultDeclaration") return resolve(statement.declaration);
    const e = statement.type === "ExpressionStatement" ? statement.expression : undefined;
    if (e?.type !== "AssignmentExpression") continue;
    const target = memberName(e.left);
    if (target === "module.exports") return resolve(e.right);
    if (target === "module.exports.apps" || target === "exports.apps") return { apps: resolve(e.right) };
  }
  return undefined;
}

/** `module.exports.apps` for a chain of plain member accesses; undefined for anything computed. */
function memberName(node: AnyNode): string | undefined {
  if (node.type === "Identifier") return node.name;
  if (node.type !== "MemberExpression" || node.computed || node.property.type !== "Identifier") return undefined;
  const object = memberName(node.object);
  return object === undefined ? undefined : `${object}.${node.property.name}`;
}

function parseJavaScript(text: string): Value | undefined {
  for (const sourceType of ["script", "module"] as const) {
    try {
      return exported(parseJs(text, { ecmaVersion: "latest", sourceType, allowHashBang: true }));
    } catch {
      // A module's `export` fails as a script, a sloppy-mode script as a module: try the other.
    }
  }
  throw new Error("not JavaScript acorn can parse");
}

/** The apps an ecosystem file declares, as services; what is code rather than data is named in notices. */
export function parseEcosystem(raw: string, file: string): Pm2Reading {
  let config: Value | undefined;
  try {
    config = /\.(c?js|mjs)$/.test(file)
      ? parseJavaScript(raw)
      : /\.ya?ml$/.test(file)
        ? parseYaml(raw)
        : JSON.parse(raw);
  } catch (error) {
    return {
      apps: [],
      notices: [`${file} could not be parsed (${(error as Error).message.slice(0, 120)}): its apps were not read`],
    };
  }
  const apps = Array.isArray(config)
    ? config
    : config && typeof config === "object"
      ? (config as Record<string, Value>).apps
      : undefined;
  if (apps === COMPUTED || (apps !== undefined && !Array.isArray(apps)))
    return {
      apps: [],
      notices: [`${file}: \`apps\` is computed, not a literal list: not evaluated, its apps were not read`],
    };
  if (!apps) return { apps: [], notices: [`${file} declares no \`apps\` list that can be read without running it`] };
  const reading: Pm2Reading = { apps: [], notices: [] };
  apps.forEach((item, index) => {
    if (!item || typeof item !== "object" || Array.isArray(item)) {
      reading.notices.push(`${file}: apps[${index}] is not a literal object: not read`);
      return;
    }
    const computed = Object.entries(item)
      .filter(([, v]) => v === COMPUTED)
      .map(([k]) => k);
    // Names of every env block (env, env_production…): the values that are literals stay for ports.
    const env: Record<string, string> = {};
    for (const [key, block] of Object.entries(item))
      if (/^env(_\w+)?$/.test(key) && block && typeof block === "object" && !Array.isArray(block))
        for (const [name, value] of Object.entries(block as Record<string, Value>))
          env[name] = typeof value === "string" || typeof value === "number" ? String(value) : "";
    const entry = { ...item, env, exec_interpreter: item.interpreter ?? defaultInterpreter(item.script) };
    for (const k of Object.keys(entry))
      if (entry[k as keyof typeof entry] === COMPUTED) delete entry[k as keyof typeof entry];
    const command = typeof item.script === "string" ? pm2Command(entry) : undefined;
    const label = `apps[${index}]${typeof item.name === "string" ? ` (${item.name})` : ""}`;
    if (computed.length)
      reading.notices.push(
        `${file}: ${label} ${computed.join(", ")} ${computed.length > 1 ? "are" : "is"} computed: not evaluated`,
      );
    if (!command) {
      reading.notices.push(`${file}: ${label} has no literal \`script\`: not read`);
      return;
    }
    const app = pm2Finding(entry, command, file, String(index));
    // Without exec_mode, pm2 runs a Node script with `instances` in cluster mode (determineExecMode).
    if (typeof item.instances === "number" && item.instances > 0) app.pm2.instances = item.instances;
    if (item.instances !== undefined && !item.exec_mode && entry.exec_interpreter === "node") app.pm2.cluster = true;
    reading.apps.push(app);
  });
  return reading;
}

// pm2 picks an interpreter by the script's extension (lib/Common.js `resolveInterpreter`).
function defaultInterpreter(script: Value | undefined): string | undefined {
  if (typeof script !== "string") return undefined;
  const ext = /\.([a-z]+)$/.exec(script)?.[1];
  return ext && ["js", "cjs", "mjs"].includes(ext)
    ? "node"
    : ext === "py"
      ? "python3"
      : ext === "rb"
        ? "ruby"
        : ext === "php"
          ? "php"
          : ext === "sh"
            ? "bash"
            : undefined;
}
