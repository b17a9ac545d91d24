// Each security rule: a workflow it must flag, and a close one it must accept.
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { checkWorkflowSecurity, SECURITY_RULES, type SecurityRuleId } from "../../src/validate/workflow-security.js";

const SHA = "3d3c42e5aac5ba805825da76410c181273ba90b1";
const CHECKOUT = { uses: `actions/checkout@${SHA}`, with: { "persist-credentials": false } };

function workflow(
  patch: { on?: unknown; permissions?: unknown; job?: Record<string, unknown>; steps?: unknown[] } = {},
) {
  return stringify({
    on: patch.on ?? { push: { branches: ["main"] } },
    permissions: "permissions" in patch ? patch.permissions : {},
    jobs: {
      deploy: {
        "runs-on": "ubuntu-24.04",
        permissions: { contents: "read" },
        ...patch.job,
        steps: patch.steps ?? [CHECKOUT],
      },
    },
  });
}

const CASES: Array<[SecurityRuleId, string, string]> = [
  [
    "unpinned-action",
    workflow({ steps: [CHECKOUT, { uses: "google-github-actions/auth@v3" }] }),
    workflow({ steps: [CHECKOUT, { uses: `google-github-actions/auth@${SHA}` }] }),
  ],
  [
    "unpinned-action",
    workflow({ steps: [{ uses: "actions/checkout@main", with: { "persist-credentials": false } }] }),
    workflow({ steps: [{ uses: "./.github/actions/local" }] }),
  ],
  ["excessive-permissions", workflow({ permissions: "write-all" }), workflow()],
  [
    "excessive-permissions",
    workflow({ job: { permissions: "write-all" } }),
    workflow({ job: { permissions: { contents: "read", "id-token": "write" } } }),
  ],
  [
    "excessive-permissions",
    workflow({ job: { permissions: { contents: "write" } } }),
    workflow({ job: { permissions: { contents: "read" } } }),
  ],
  ["excessive-permissions", workflow({ permissions: undefined }), workflow({ permissions: {} })],
  [
    "template-injection",
    workflow({ steps: [CHECKOUT, { run: "echo ${{ github.event.head_commit.message }}" }] }),
    workflow({ steps: [CHECKOUT, { env: { MSG: "${{ github.event.head_commit.message }}" }, run: 'echo "$MSG"' }] }),
  ],
  ["persisted-credentials", workflow({ steps: [{ uses: `actions/checkout@${SHA}` }] }), workflow()],
  [
    "persisted-credentials",
    workflow({ steps: [{ uses: `actions/checkout@${SHA}`, with: { "persist-credentials": true } }] }),
    workflow({ steps: [{ uses: `actions/checkout@${SHA}`, with: { "persist-credentials": "false" } }] }),
  ],
  [
    "json-key-credentials",
    workflow({
      steps: [
        CHECKOUT,
        { uses: `google-github-actions/auth@${SHA}`, with: { credentials_json: "${{ secrets.GCP_KEY }}" } },
      ],
    }),
    workflow({
      steps: [
        CHECKOUT,
        { uses: `google-github-actions/auth@${SHA}`, with: { workload_identity_provider: "${{ vars.WIF_PROVIDER }}" } },
      ],
    }),
  ],
  [
    "json-key-credentials",
    workflow({ steps: [CHECKOUT, { env: { GOOGLE_APPLICATION_CREDENTIALS: "key.json" }, run: "true" }] }),
    workflow({ steps: [CHECKOUT, { env: { GOOGLE_CLOUD_PROJECT: "p" }, run: "true" }] }),
  ],
  ["dangerous-trigger", workflow({ on: { pull_request_target: {} } }), workflow({ on: { pull_request: {} } })],
  ["dangerous-trigger", workflow({ on: ["push", "workflow_run"] }), workflow({ on: ["push", "workflow_dispatch"] })],
];

describe("workflow security rules", () => {
  it.each(CASES)("%s: flags the bad workflow and accepts the good one", (rule, bad, good) => {
    expect(checkWorkflowSecurity(bad).map((f) => f.rule)).toContain(rule);
    expect(checkWorkflowSecurity(good)).toEqual([]);
  });

  it("every rule has a case", () => {
    const covered = new Set(CASES.map(([rule]) => rule));
    expect(
      [...Object.keys(SECURITY_RULES)].filter((r) => r !== "unlisted-action" && !covered.has(r as SecurityRuleId)),
    ).toEqual([]);
  });

  it("unlisted-action: a pinned action outside the allow-list is flagged", () => {
    const text = workflow({ steps: [CHECKOUT, { uses: `evil-org/evil@${"a".repeat(40)}` }] });
    expect(
      checkWorkflowSecurity(text, { allowedUses: [`actions/checkout@${SHA}`] }).map((f) => [f.rule, f.where]),
    ).toEqual([["unlisted-action", "jobs.deploy.steps[1].uses"]]);
    expect(checkWorkflowSecurity(workflow(), { allowedUses: [`actions/checkout@${SHA}`] })).toEqual([]);
  });
});
