// How our test job uses the team's own test setup (team-test-setup.ts) for a Ruby, Node or PHP app,
// and the test database settings a Rails app needs when its repository has none: Redmine's
// .gitignore leaves config/database.yml out of every checkout (its CI writes one), so without the
// file `bin/rails test` cannot find the test database, and its Gemfile, which picks the database
// gem from the file, installs none.
import ignore from "ignore";
import { openRepo } from "../../image/repo.js";
import { adapterOf, gemsOf } from "../../image/ruby-image.js";
import type { CicdContext } from "./context.js";
import { teamTestSite } from "./team-test.js";
import { teamTestSetup, type CarriedStep, type TeamTestSetup } from "./team-test-setup.js";

const CARRIED_STACKS = new Set(["ruby", "node", "php"]);

/** The team's setup for the command our job runs, when the team's CI runs that same command. */
export function teamSetupFor(ctx: CicdContext, testCommand: string, runtimeVersion: string): TeamTestSetup | undefined {
  if (!CARRIED_STACKS.has(ctx.stack) || ctx.nothingToTest) return undefined;
  const site = teamTestSite(ctx.repoDir, ctx.stack, ctx.generated);
  if (!site || site.test.command !== testCommand) return undefined;
  return teamTestSetup(ctx.repoDir, site, {
    stack: ctx.stack as "ruby" | "node" | "php",
    engine: ctx.deployment.database?.engine,
    runtimeVersion,
  });
}

/**
 * One of the team's steps in our job. Its script is the team's, run as its CI runs it: ShellCheck's
 * findings there (BookStack's backticks in single quotes, SC2016) are the team's to take up in its
 * workflow, and must not stop the generation of ours, whose own scripts stay checked.
 */
export function carriedStep(step: CarriedStep, workflow: string): object {
  return {
    name: `${step.name} (as ${workflow} does)`,
    ...(step.dir === "." ? {} : { "working-directory": step.dir }),
    ...(step.env ? { env: step.env } : {}),
    run: `# Copied from ${workflow}, as your CI runs it.\n# shellcheck disable=all\n${step.run}`,
  };
}

/** What the pipeline README says about the team's setup: carried, or why not. */
export function teamSetupNote(setup: TeamTestSetup | undefined): string | undefined {
  if (!setup) return undefined;
  const where = `\`${setup.workflow}\` (job \`${setup.job}\`)`;
  if (setup.blocked.length)
    return `The test job does not repeat the setup your ${where} runs before the same command, so the first push's tests may fail where yours pass: ${setup.blocked.join("; ")}. Add those steps to the test job of \`deploy.yml\` by hand.`;
  const steps = [...setup.before, ...setup.after].map((s) => `"${s.name}"`);
  const services = Object.values(setup.services).map((s) => `\`${(s as { image: string }).image}\``);
  return (
    `The test job repeats the setup your ${where} runs before the same command` +
    (steps.length ? `: ${steps.join(", ")}` : "") +
    (services.length
      ? `, with its service containers (${services.join(", ")}) and its environment`
      : ", with its environment and, as yours, no service containers") +
    " (its scripts are copied as your CI runs them: ShellCheck does not check them)" +
    (setup.secretsLeftOut.length
      ? `; ${setup.secretsLeftOut.map((n) => `\`${n}\``).join(", ")} ${setup.secretsLeftOut.length > 1 ? "are" : "is"} left out (a secret of your repository: add it to the job if the tests need it)`
      : "") +
    "."
  );
}

/** The test database a job's container offers: the settings a client connects with. */
export function databaseOfService(
  service: unknown,
): { adapter: "mysql" | "postgres"; port: string; user: string; password: string; name: string } | undefined {
  const s = service as { image?: unknown; env?: Record<string, unknown>; ports?: unknown[] };
  const image = String(s?.image ?? "");
  const env = Object.fromEntries(Object.entries(s?.env ?? {}).map(([k, v]) => [k, String(v)]));
  const port = (container: string) =>
    (s.ports ?? [])
      .map(String)
      .map((p) => new RegExp(`^(\\d+):${container}(/tcp)?$`).exec(p)?.[1])
      .find(Boolean);
  if (/^(mysql|mariadb)[:@]/.test(image)) {
    const user = env.MYSQL_USER ?? env.MARIADB_USER ?? "root";
    const password =
      user === "root"
        ? (env.MYSQL_ROOT_PASSWORD ?? env.MARIADB_ROOT_PASSWORD)
        : (env.MYSQL_PASSWORD ?? env.MARIADB_PASSWORD);
    const name = env.MYSQL_DATABASE ?? env.MARIADB_DATABASE;
    const host = port("3306");
    return host && password !== undefined && name ? { adapter: "mysql", port: host, user, password, name } : undefined;
  }
  if (/^postgres[:@]/.test(image)) {
    const user = env.POSTGRES_USER ?? "postgres";
    const host = port("5432");
    const password = env.POSTGRES_PASSWORD;
    return host && password !== undefined
      ? { adapter: "postgres", port: host, user, password, name: env.POSTGRES_DB ?? user }
      : undefined;
  }
  return undefined;
}

/** A YAML scalar safe in a heredoc and in YAML: plain words only, else quoted. */
const scalar = (v: string) => (/^[\w.-]+$/.test(v) ? v : JSON.stringify(v));

/**
 * The step that writes config/database.yml's `test` section for the job's database container, for a
 * Rails app whose repository has none (missing, or left out by .gitignore) and whose team setup
 * does not write one. The adapter is the app's locked database gem's.
 */
export function railsTestDatabaseStep(
  ctx: CicdContext,
  services: Record<string, unknown>,
  carried: TeamTestSetup | undefined,
): object[] {
  if (ctx.stack !== "ruby") return [];
  const repo = openRepo(ctx.repoDir, ctx.generated);
  if (!repo.exists("config/application.rb") || !repo.exists("Gemfile")) return [];
  const gitignore = repo.read(".gitignore");
  const tracked =
    repo.exists("config/database.yml") && !(gitignore && ignore().add(gitignore).ignores("config/database.yml"));
  if (tracked) return [];
  if (carried && [...carried.before, ...carried.after].some((s) => s.run.includes("config/database.yml"))) return [];
  const gems = gemsOf(repo, "");
  const db = Object.values(services).map(databaseOfService).find(Boolean);
  const gem = adapterOf(gems);
  let lines: string[];
  if (db) {
    const adapter = db.adapter === "postgres" ? "postgresql" : gem === "trilogy" || gem === "mysql2" ? gem : "mysql2";
    lines = [
      `  adapter: ${adapter}`,
      `  database: ${scalar(db.name)}`,
      `  username: ${scalar(db.user)}`,
      `  password: ${scalar(db.password)}`,
      "  host: 127.0.0.1",
      `  port: ${db.port}`,
    ];
  } else if (gem === "sqlite3") lines = ["  adapter: sqlite3", "  database: db/test.sqlite3"];
  else return [];
  return [
    {
      name: "Write the test database settings (config/database.yml is not in the repository)",
      run: `cat > config/database.yml <<'YAML'\ntest:\n${lines.join("\n")}\nYAML\n`,
    },
  ];
}
