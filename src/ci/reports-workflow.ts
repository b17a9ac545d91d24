// .github/workflows/migration-reports.yml: keeps the migration reports honest.
//  - pull_request: `infra-migrate check --json` (replay/offline: no key, no secrets, read-only).
//  - schedule / workflow_dispatch: `infra-migrate run`, then a pull request with the changes.
// Built as an object and serialised with `yaml`; `init --ci` writes it, and
// examples/github/migration-reports.yml is its checked-in output.
import { Document, isPair, isScalar, visit } from "yaml";
import { toolVersion as packageVersion } from "../package-root.js";
import { PINNED_ACTIONS, type PinnedAction } from "../phases/cicd/pinned-actions.js";
import type { PhaseId } from "../phases/registry.js";

/**
 * Actions beyond the cicd phase's pinned list, each pinned to the commit of its release tag
 * (`git rev-parse <tag>^{commit}` on the newest stored snapshot of the action's repository).
 * create-pull-request sets its own git auth from `token`, so checkout keeps persist-credentials: false.
 */
export const REPORTS_ACTIONS = {
  createPullRequest: {
    repo: "peter-evans/create-pull-request",
    version: "v8.1.1",
    sha: "5f6978faf089d4d20b00c7766989d076bb2fc7f1",
    source: "github.com/peter-evans/create-pull-request tag v8.1.1 (2026-04-10)",
  },
  uploadArtifact: {
    repo: "actions/upload-artifact",
    version: "v7.0.0",
    sha: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f",
    source: "github.com/actions/upload-artifact tag v7.0.0 (2026-02-25)",
  },
  downloadArtifact: {
    repo: "actions/download-artifact",
    version: "v8.0.1",
    sha: "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c",
    source: "github.com/actions/download-artifact tag v8.0.1 (2026-03-11)",
  },
} as const satisfies Record<string, PinnedAction>;

const ALL_ACTIONS: PinnedAction[] = [
  PINNED_ACTIONS.checkout,
  PINNED_ACTIONS.setupNode,
  ...Object.values(REPORTS_ACTIONS),
];

export interface ReportsWorkflowOptions {
  /** Inventory path in the repo [infra-migrate.inventory.yaml]. */
  inventory?: string;
  /** Config file; passed with --config only when set (the CLI reads ./infra-migrate.config.yaml itself). */
  config?: string;
  /** infra-migrate version `npx` runs; pinned so CI regenerates with the generator that wrote the files. */
  toolVersion?: string;
  /** Weekly regeneration (UTC) ["23 6 * * 1": Mondays 06:23]. */
  cron?: string;
  nodeVersion?: string;
  /** Branch the regeneration pull request comes from. */
  branch?: string;
  /**
   * Phases the scheduled job does not regenerate [cicd]: cicd writes .github/workflows/deploy.yml,
   * and GitHub refuses workflow-file pushes by a GITHUB_TOKEN (no `workflows` permission exists for
   * it). `check` still reports cicd drift on pull requests.
   */
  skipOnSchedule?: PhaseId[];
}

const DEFAULT_INVENTORY = "infra-migrate.inventory.yaml";
const DEFAULT_CONFIG = "infra-migrate.config.yaml";
const PATCH_ARTIFACT = "migration-reports-patch";
const PATCH_DIR = "${{ runner.temp }}/migration-reports";
const PATCH_PATH = `${PATCH_DIR}/reports.patch`;

function uses(action: PinnedAction): string {
  return `${action.repo}@${action.sha}`;
}

const checkoutStep = () => ({
  name: "Check out",
  uses: uses(PINNED_ACTIONS.checkout),
  with: { "persist-credentials": false },
});

function setupSteps(nodeVersion: string): Record<string, unknown>[] {
  return [
    checkoutStep(),
    // No dependency cache: nothing to install but infra-migrate itself, and no cache to poison.
    { name: "Set up Node.js", uses: uses(PINNED_ACTIONS.setupNode), with: { "node-version": nodeVersion } },
  ];
}

export function buildReportsWorkflow(options: ReportsWorkflowOptions = {}): Record<string, unknown> {
  const inventory = options.inventory ?? DEFAULT_INVENTORY;
  const version = options.toolVersion ?? packageVersion();
  const nodeVersion = options.nodeVersion ?? "22";
  const skip = options.skipOnSchedule ?? ["cicd"];
  const cli = 'npx --yes "infra-migrate@${INFRA_MIGRATE_VERSION}"';
  const target = `--inventory "$INFRA_MIGRATE_INVENTORY"${options.config ? ' --config "$INFRA_MIGRATE_CONFIG"' : ""}`;
  const env = {
    INFRA_MIGRATE_VERSION: version,
    INFRA_MIGRATE_INVENTORY: inventory,
    ...(options.config ? { INFRA_MIGRATE_CONFIG: options.config } : {}),
  };
  return {
    name: "Migration reports",
    on: {
      pull_request: {
        paths: [...new Set([inventory, options.config ?? DEFAULT_CONFIG, ".infra-migrate/**", "docs/migration/**"])],
      },
      schedule: [{ cron: options.cron ?? "23 6 * * 1" }],
      workflow_dispatch: {
        inputs: {
          provider: {
            description:
              "Who answers: config = the repo's infra-migrate.config.yaml (or INFRA_MIGRATE_PROVIDER variable)",
            type: "choice",
            options: ["config", "auto", "gemini", "replay", "offline"],
            default: "config",
          },
        },
      },
    },
    permissions: {},
    jobs: {
      check: {
        name: "Generated files are current",
        if: "github.event_name == 'pull_request'",
        "runs-on": "ubuntu-24.04",
        permissions: { contents: "read" },
        "timeout-minutes": 15,
        steps: [
          ...setupSteps(nodeVersion),
          {
            name: "infra-migrate check (exit 1 drift, 4 hand edits)",
            shell: "bash",
            env,
            run: `${cli} check --json ${target} | tee infra-migrate-check.json\n`,
          },
        ],
      },
      // Two jobs so that the code npx downloads (and the Gemini key) never share a runner with a
      // write token: `regenerate` is read-only and hands a patch to `pull-request`, which runs
      // nothing but git and create-pull-request.
      regenerate: {
        name: "Regenerate the reports",
        if: "github.event_name != 'pull_request'",
        "runs-on": "ubuntu-24.04",
        permissions: { contents: "read" },
        "timeout-minutes": 30,
        outputs: { changed: "${{ steps.diff.outputs.changed }}" },
        steps: [
          ...setupSteps(nodeVersion),
          {
            name: "infra-migrate run",
            shell: "bash",
            env: {
              ...env,
              // Empty unless the dispatch input or the repository variable names one; the CLI then
              // follows the config file (or auto: Gemini when the key is set, else offline rules).
              INFRA_MIGRATE_PROVIDER:
                "${{ inputs.provider != 'config' && inputs.provider || vars.INFRA_MIGRATE_PROVIDER }}",
              // Only this step sees the key. Unchanged prompts are answered from the committed
              // .infra-migrate/cache without a call; only changed inputs cost tokens.
              GEMINI_API_KEY: "${{ secrets.GEMINI_API_KEY }}",
            },
            run: `${cli} run ${target}${skip.length ? ` --skip ${skip.join(",")}` : ""}\n`,
          },
          {
            name: "Collect the changes as a patch",
            id: "diff",
            shell: "bash",
            env: { PATCH_FILE: PATCH_PATH },
            run: [
              'mkdir -p "$(dirname "$PATCH_FILE")"',
              "git add --all",
              'git diff --cached --binary > "$PATCH_FILE"',
              'if [ -s "$PATCH_FILE" ]; then echo "changed=true"; else echo "changed=false"; fi >> "$GITHUB_OUTPUT"',
              "",
            ].join("\n"),
          },
          {
            name: "Hand the patch to the pull-request job",
            if: "steps.diff.outputs.changed == 'true'",
            uses: uses(REPORTS_ACTIONS.uploadArtifact),
            with: { name: PATCH_ARTIFACT, path: PATCH_PATH, "if-no-files-found": "error", "retention-days": 1 },
          },
        ],
      },
      "pull-request": {
        name: "Open a pull request with the changes",
        needs: "regenerate",
        if: "needs.regenerate.outputs.changed == 'true'",
        "runs-on": "ubuntu-24.04",
        // Opening a pull request needs both write scopes; this job runs no third-party code but
        // the pinned actions, and holds no secret but its own GITHUB_TOKEN.
        permissions: { contents: "write", "pull-requests": "write" },
        "timeout-minutes": 10,
        concurrency: { group: "migration-reports-pull-request", "cancel-in-progress": false },
        steps: [
          checkoutStep(),
          {
            name: "Fetch the patch",
            uses: uses(REPORTS_ACTIONS.downloadArtifact),
            with: { name: PATCH_ARTIFACT, path: PATCH_DIR },
          },
          {
            name: "Apply the patch",
            shell: "bash",
            env: { PATCH_FILE: PATCH_PATH },
            run: 'git apply --whitespace=nowarn "$PATCH_FILE"\n',
          },
          {
            name: "Open a pull request",
            uses: uses(REPORTS_ACTIONS.createPullRequest),
            with: {
              branch: options.branch ?? "infra-migrate/reports",
              "delete-branch": true,
              "commit-message": "docs(migration): regenerate infra-migrate reports",
              title: "Regenerate migration reports",
              body:
                "Regenerated by the `Migration reports` workflow with `infra-migrate run`.\n" +
                "Review the changes like any other: the risk ranking, costs and generated code follow the inventory.\n",
            },
          },
        ],
      },
    },
  };
}

const HEADER = [
  " Migration reports: generated by infra-migrate (`infra-migrate init --ci`).",
  " Pull requests: `infra-migrate check` regenerates in memory (replay from .infra-migrate/cache,",
  " or offline rules: no key needed) and fails on drift (exit 1) or hand edits (exit 4).",
  " Schedule/dispatch: `infra-migrate run` in a read-only job, then a separate job with write scopes",
  " applies the patch and opens a pull request. Provider: the dispatch input, else",
  " the INFRA_MIGRATE_PROVIDER repository variable, else the config file. Gemini needs the",
  " GEMINI_API_KEY secret; replay needs none but fails when inputs changed since the cache was made.",
  " Allow Actions to create pull requests: Settings > Actions > General > Workflow permissions.",
].join("\n");

/** The workflow file's text: every `uses:` pinned to a full SHA with its version as a comment. */
export function renderReportsWorkflow(options: ReportsWorkflowOptions = {}): string {
  const doc = new Document(buildReportsWorkflow(options));
  doc.commentBefore = HEADER;
  const versions = new Map(ALL_ACTIONS.map((a) => [uses(a), a.version]));
  visit(doc, {
    Pair(_key, pair) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.value === "uses" && isScalar(pair.value)) {
        const version = versions.get(String(pair.value.value));
        if (version) pair.value.comment = ` ${version}`;
      }
    },
  });
  return doc.toString({ lineWidth: 0 });
}
