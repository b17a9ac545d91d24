// Launchers that load an env file or folder and then run the rest of the command line: Ruby's
// dotenv gem (`dotenv [-f .env.local] sidekiq`, Chatwoot's worker unit), Node's dotenv-cli
// (`dotenv -e .env -- node server.js`), dotenvx (`dotenvx run -f .env -- node index.js`),
// daemontools' `envdir ./env cmd` and `foreman run cmd`. init reads the program after them;
// on Cloud Run the environment comes from the service's variables and secrets, and the VM's env
// file is not in the image, so the container runs the program without them.
import path from "node:path";

/** The words after an env-file launcher, or undefined when `words` does not start with one. */
export function afterEnvLoader(words: readonly string[]): string[] | undefined {
  const head = path.posix.basename(words[0] ?? "");
  const dashes = words.indexOf("--");
  if (head === "dotenvx" && words[1] === "run") return dashes > 0 ? words.slice(dashes + 1) : undefined;
  if (head === "envdir") return words.slice(2);
  if (head === "foreman" && words[1] === "run") return words.slice(2);
  if (head !== "dotenv") return undefined;
  if (dashes > 0) return words.slice(dashes + 1);
  let i = 1;
  // -f/-e/-v/-c take a value (a file, KEY=VALUE or an environment name); other flags stand alone.
  while (i < words.length && words[i]!.startsWith("-")) i += /^-[fevc]$/.test(words[i]!) ? 2 : 1;
  return words.slice(i);
}
