// The container start command for the Dockerfile we generate: the API's command from the design
// (or the inventory's web service), rewritten to listen on 0.0.0.0:$PORT as Cloud Run requires.
import type { Inventory } from "../../inventory/schema.js";
import type { Deployment } from "../../contracts/deployment.js";
import type { Stack } from "./context.js";

/** Same token pattern the deployment contract uses for commands: no quotes, no expansions. */
const TOKEN = /^[A-Za-z0-9_.:=/@%+,-]{1,200}$/;
const PORT = "${PORT}";

function apiArgv(deployment: Deployment, inventory: Inventory): string[] | undefined {
  const api = deployment.services.find((s) => s.kind === "api" && s.command && s.command.length > 0);
  if (api?.command) return api.command;
  const web = inventory.services.find((s) => s.role === "web" && s.command);
  const tokens = web?.command?.trim().split(/\s+/);
  // Inventory commands are free text: use one only if every word is plain.
  return tokens && tokens.length <= 40 && tokens.every((t) => TOKEN.test(t)) ? tokens : undefined;
}

/** Drop `--flag value` pairs (and `--flag=value`) for the given flags. */
function without(argv: string[], flags: string[], takesValue = true): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    const name = word.split("=")[0]!;
    if (!flags.includes(name)) out.push(word);
    else if (takesValue && !word.includes("=")) i++;
  }
  return out;
}

export function startCommand(deployment: Deployment, inventory: Inventory, stack: Stack): string {
  let argv = apiArgv(deployment, inventory);
  if (!argv) argv = stack === "node" ? ["npm", "start"] : ["uvicorn", "app.main:app"];
  const program = argv[0]!.split("/").pop()!;
  if (program === "uvicorn") {
    // One process per container: Cloud Run scales instances; --reload is for laptops.
    argv = without(without(argv, ["--host", "--port", "--workers", "--uds", "--fd"]), ["--reload"], false);
    argv = [...argv, "--host", "0.0.0.0", "--port", PORT];
  } else if (program === "gunicorn") {
    argv = [...without(argv, ["--bind", "-b"]), "--bind", `0.0.0.0:${PORT}`];
  }
  return argv.join(" ");
}
