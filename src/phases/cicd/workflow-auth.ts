// The deploy workflow's steps that sign in to Google Cloud and set gcloud up (workflow.ts uses them).
import type { CicdContext } from "./context.js";
import { usesBetaGcloud } from "./deploy-flags.js";
import { usesRef } from "./pinned-actions.js";

/**
 * Two identities (scripts/setup-wif.sh): the build job can only push images; the deploy job's
 * provider admits only jobs running in the `production` environment, so that environment's
 * reviewers and branch rules gate every deploy.
 */
export const BUILD_AUTH = [
  {
    name: "Authenticate to Google Cloud as the build identity (push images only)",
    id: "auth",
    uses: usesRef("auth"),
    with: {
      workload_identity_provider: "${{ vars.WIF_BUILD_PROVIDER }}",
      service_account: "${{ vars.WIF_BUILD_SERVICE_ACCOUNT }}",
      token_format: "access_token",
      // No gha-creds-*.json in the workspace, where `docker build .` could copy it into the image.
      create_credentials_file: false,
    },
  },
  {
    name: "Log in to Artifact Registry",
    env: { ACCESS_TOKEN: "${{ steps.auth.outputs.access_token }}" },
    run: 'printf \'%s\' "$ACCESS_TOKEN" | docker login -u oauth2accesstoken --password-stdin "https://${REGION}-docker.pkg.dev"\n',
  },
];
// The deployer keeps auth's credentials file: setup-gcloud signs gcloud in only from the file auth
// names in GOOGLE_GHA_CREDS_PATH (google-github-actions/setup-cloud-sdk, authenticateGcloudSDK),
// and every deploy step is gcloud. This job builds no image and uploads no workspace, and auth
// deletes the file when the job ends (cleanup_credentials).
export const DEPLOY_AUTH = [
  {
    name: "Authenticate to Google Cloud as the deployer (production environment only)",
    uses: usesRef("auth"),
    with: {
      workload_identity_provider: "${{ vars.WIF_DEPLOY_PROVIDER }}",
      service_account: "${{ vars.WIF_DEPLOY_SERVICE_ACCOUNT }}",
    },
  },
];

/**
 * gcloud for the deploy job; with its beta commands when a deploy needs them (worker pools, a
 * bucket's mount options: canary.sh). setup-gcloud installs the named components into the SDK it
 * downloads (its `install_components` input; the runner's system gcloud, `skip_install`, is locked
 * against components), so no deploy stops to ask for them.
 * https://github.com/google-github-actions/setup-gcloud#inputs
 */
export function setupGcloudStep(ctx: CicdContext): object {
  const beta = ctx.deployment.services.some((t) => t.kind === "worker-pool" || usesBetaGcloud(t));
  return {
    name: "Set up gcloud",
    uses: usesRef("setupGcloud"),
    ...(beta ? { with: { install_components: "beta" } } : {}),
  };
}
