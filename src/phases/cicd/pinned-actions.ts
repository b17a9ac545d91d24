// Every action the generated workflow uses, pinned to the full commit SHA of a release tag.
// A tag can be moved; a SHA cannot (https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions).
// Looked up from the newest stored snapshot of each action's repository
// (`git rev-parse <tag>^{commit}`); bump all of them together and rerun the cicd tests.
//
// google-github-actions/deploy-cloudrun (v3.0.1, 2028e2d7d30a78c6910e0632e48dd561b064884d) is
// deliberately NOT used: the rollout (first deploy vs. no-traffic canary, tagged health checks,
// rollback) lives in scripts/deploy/canary.sh so it can be tested end to end.

export interface PinnedAction {
  /** owner/repo as written in `uses:`. */
  repo: string;
  version: string;
  sha: string;
  /** Where the SHA came from. */
  source: string;
}

export const PINNED_ACTIONS = {
  checkout: {
    repo: "actions/checkout",
    version: "v7.0.1",
    sha: "3d3c42e5aac5ba805825da76410c181273ba90b1",
    source: "github.com/actions/checkout tag v7.0.1 (2026-07-17)",
  },
  setupPython: {
    repo: "actions/setup-python",
    version: "v7.0.0",
    sha: "5fda3b95a4ea91299a34e894583c3862153e4b97",
    source: "github.com/actions/setup-python tag v7.0.0 (2026-07-19)",
  },
  setupNode: {
    repo: "actions/setup-node",
    version: "v7.0.0",
    sha: "820762786026740c76f36085b0efc47a31fe5020",
    source: "github.com/actions/setup-node tag v7.0.0 (2026-07-13)",
  },
  setupRuby: {
    repo: "ruby/setup-ruby",
    version: "v1.315.0",
    sha: "0dafeac902942906541bc140009cdbf32665b601",
    source: "github.com/ruby/setup-ruby tag v1.315.0 (2026-06-30)",
  },
  setupGo: {
    repo: "actions/setup-go",
    version: "v7.0.0",
    sha: "b7ad1dad31e06c5925ef5d2fc7ad053ef454303e",
    source: "github.com/actions/setup-go tag v7.0.0 (2026-07-15)",
  },
  setupPhp: {
    repo: "shivammathur/setup-php",
    version: "2.37.2",
    sha: "f3e473d116dcccaddc5834248c87452386958240",
    source: "github.com/shivammathur/setup-php tag 2.37.2 (2026-06-08)",
  },
  setupJava: {
    repo: "actions/setup-java",
    version: "v5.7.0",
    sha: "b6effb05e454b25005698d916606bdc6ffcbf961",
    source: "github.com/actions/setup-java tag v5.7.0 (2026-07-31)",
  },
  auth: {
    repo: "google-github-actions/auth",
    version: "v3.0.0",
    sha: "7c6bc770dae815cd3e89ee6cdf493a5fab2cc093",
    source: "github.com/google-github-actions/auth tag v3.0.0 (2025-08-28)",
  },
  setupGcloud: {
    repo: "google-github-actions/setup-gcloud",
    version: "v3.0.1",
    sha: "aa5489c8933f4cc7a4f7d45035b3b1440c9c10db",
    source: "github.com/google-github-actions/setup-gcloud tag v3.0.1 (2025-08-28)",
  },
} as const satisfies Record<string, PinnedAction>;

export type PinnedActionId = keyof typeof PINNED_ACTIONS;

/** `owner/repo@sha`, the exact string a `uses:` must carry. */
export function usesRef(id: PinnedActionId): string {
  const action = PINNED_ACTIONS[id];
  return `${action.repo}@${action.sha}`;
}

/** Every `uses:` value the generator may emit; the security rules reject anything else. */
export function allowedUses(): string[] {
  return (Object.keys(PINNED_ACTIONS) as PinnedActionId[]).map(usesRef).sort();
}
