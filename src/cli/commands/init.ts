// init: the guided start. Asks (or, with no TTY / CI=true / --json, takes from flags and --yes)
// everything the inventory and config need, with defaults read from the repo. Options are plain
// strings here so `--help` loads neither zod schemas nor inquirer; a test checks they match the
// question table in src/init/questions.ts.
import { Option, type Command } from "commander";
import type { GlobalFlags } from "../output.js";
import { setExitCode } from "../terminal.js";
import { PROVIDER_CHOICES } from "../../model/provider-choices.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

const EXAMPLES = `
Examples:
  $ infra-migrate init                                  # asks, with defaults read from this repo
  $ infra-migrate init --from ../app --out ../app --ci  # another repo; also write the CI workflow
  $ sudo npx infra-migrate init --from-host --from /srv/app   # on the VM: its units, sites, crontabs and ports too
  $ infra-migrate init --from-host ssh://deploy@app-vm-01      # from your laptop: the VM over ssh, nothing written there
  $ CI=true infra-migrate init --yes --project acme-prod --github acme/app
  $ infra-migrate init --yes --name acme --service api:web:uvicorn:8000 --service worker:worker:celery \\
      --database mysql:8.0 --project acme-prod --github acme/app --json

With no TTY, CI=true or --json it never prompts: answers come from flags, and with --yes from what
the repo shows (and documented defaults). Missing answers fail with exit 2 and the list of flags.`;

export function registerInit(program: Command): void {
  program
    .command("init")
    .description(
      "create infra-migrate.inventory.yaml and infra-migrate.config.yaml by asking (defaults read from the repo)",
    )
    .option("--from <dir>", "repository to read defaults from [default: .]")
    .option(
      "--from-host [root|ssh://user@host]",
      "also read the VM, read-only: this machine (or a copy of its disk at root, or a VM over ssh): systemd units and timers, nginx sites, crontabs, listening ports (ss), CPUs and memory",
    )
    .option(
      "--host-sudo",
      "with --from-host ssh://: run the read-only script with sudo -n, to read crontabs and see process names",
    )
    .option("-o, --out <dir>", "where to write the two files [default: .]")
    .option("-y, --yes", "accept detected and default values without asking")
    .option("-f, --force", "overwrite existing files (even ones you edited)")
    .option("-n, --dry-run", "show what would be written; write nothing")
    .option("--ci", "also write .github/workflows/migration-reports.yml (check on PRs, scheduled regeneration)")
    .option("--name <name>", "project name (lowercase, dashes)")
    .option(
      "--service <name:role:software[:port[:schedule]]>",
      'a service on the VM (repeatable; a cron job adds its schedule: report:cron:python::"0 3 * * *"); replaces the detected list',
      collect,
    )
    .option("--database <engine[:version]>", "database engine and version, e.g. mysql:8.0, or none")
    .option("--db-size <GiB>", "database size in GiB")
    .addOption(new Option("--backups <kind>", "database backups").choices(["none", "manual", "daily", "continuous"]))
    .option("--vm-cost <usd>", "what the VM costs a month, in US dollars (the cost estimate compares with it)")
    .option("--vm-cpus <n>", "vCPUs of the VM (--from-host reads them)")
    .option("--vm-memory <GiB>", "memory of the VM in GiB (--from-host reads it)")
    .option(
      "--deploy-method <method>",
      "how you deploy today: ssh-systemctl, ssh-supervisorctl, ssh-pm2, ssh-script, manual, ci-ssh, containers, other, or your own words",
    )
    .option("--deploy-minutes <n>", "minutes a deploy takes")
    .option("--deploys-per-week <n>", "deploys per week")
    .addOption(
      new Option("--rollback <kind>", "how a bad deploy is rolled back").choices(["none", "manual", "automatic"]),
    )
    .option("--peak-rps <n>", "peak requests per second today")
    .option("--growth <x>", 'traffic growth to plan for, as a multiple: 10 or "10x" [default: 10]')
    .option("--engineers <n>", "engineers on the team")
    .option("--kubernetes", "the team runs Kubernetes today")
    .option("--no-kubernetes", "the team does not run Kubernetes [default]")
    .option("--project <id>", "GCP project id")
    .option("--region <region>", "GCP region [default: us-central1]")
    .option("--service-name <name>", "Cloud Run service name [default: the project name]")
    .option("--github <owner/repo>", "GitHub repository [default: from git remote origin]")
    .option("--business-hours <hours>", 'business hours, e.g. "08:00-20:00 America/Sao_Paulo"')
    .option("--llm-use-case <text>", "what the product uses an LLM for (enables the llmops phase)")
    .option("--llm-latency <min-max>", "how long an LLM answer may take in seconds, fastest-slowest, e.g. 5-15")
    .addOption(
      new Option("--llm-provider <provider>", "LLM provider").choices([
        "vertex-ai",
        "gemini-api",
        "openai",
        "anthropic",
        "other",
      ]),
    )
    .addOption(
      new Option("--provider <name>", "default provider written to the config [default: auto]").choices(
        PROVIDER_CHOICES,
      ),
    )
    .addHelpText("after", EXAMPLES)
    .action(async (_opts, command: Command) => {
      const all = command.optsWithGlobals<Record<string, unknown> & GlobalFlags>();
      const [{ createOutput }, { runInitCommand }] = await Promise.all([
        import("../output.js"),
        import("../wizard/init-action.js"),
      ]);
      setExitCode(await runInitCommand(all, createOutput(all)));
    });
}
