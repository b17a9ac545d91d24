// scripts/setup-ai-worker.sh --dry-run prints every gcloud command and runs none of them.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { llmopsPhase } from "../../../src/phases/llmops/index.js";
import { chainFile, EXAMPLE } from "../../helpers/chain.js";

async function script(): Promise<string> {
  const { input } = chainFile(EXAMPLE("seed-vm"));
  const artifacts = await llmopsPhase.render(llmopsPhase.offline(input), input);
  const dir = await mkdtemp(path.join(tmpdir(), "im-ai-setup-"));
  const file = path.join(dir, "setup-ai-worker.sh");
  await writeFile(file, artifacts.find((a) => a.path === "scripts/setup-ai-worker.sh")!.content, { mode: 0o755 });
  // A gcloud that fails loudly: a dry run must never call it.
  const bin = path.join(dir, "bin");
  await execa("mkdir", [bin]);
  await writeFile(path.join(bin, "gcloud"), "#!/bin/sh\necho CALLED >&2\nexit 99\n", { mode: 0o755 });
  return file;
}

describe("setup-ai-worker.sh --dry-run", () => {
  it("prints the commands in order and calls nothing", async () => {
    const file = await script();
    const result = await execa("bash", [file, "--dry-run"], {
      env: { PATH: `${path.join(path.dirname(file), "bin")}:/usr/bin:/bin` },
      reject: false,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toContain("CALLED");
    const lines = String(result.stdout).trim().split("\n");
    expect(lines[0]).toMatch(/^\+ gcloud services enable cloudtasks\.googleapis\.com aiplatform\.googleapis\.com/);
    expect(lines.some((l) => /^\+ gcloud tasks queues create web-app-prod-ai-tasks .*--max-attempts 5/.test(l))).toBe(
      true,
    );
    const vertex = lines.filter((l) => l.includes("roles/aiplatform.user"));
    expect(vertex).toHaveLength(1);
    expect(vertex[0]).toContain("serviceAccount:web-app-prod-ai-worker-sa@acme-mvp-prod.iam.gserviceaccount.com");
    expect(
      lines.some((l) => /run services add-iam-policy-binding web-app-prod-ai-worker .*roles\/run\.invoker/.test(l)),
    ).toBe(true);
    // Last, the sweeper: Cloud Scheduler POSTs to the worker with the invoker's OIDC token.
    expect(lines.at(-1)).toBe(
      "+ gcloud scheduler jobs create http web-app-prod-ai-worker-sweep --location us-central1 --project acme-mvp-prod --schedule \\*/10\\ \\*\\ \\*\\ \\*\\ \\* --uri https://web-app-prod-ai-worker-PROJECT_NUMBER.us-central1.run.app/internal/sweep --http-method POST --oidc-service-account-email web-app-prod-ai-worker-invoker@acme-mvp-prod.iam.gserviceaccount.com --oidc-token-audience https://web-app-prod-ai-worker-PROJECT_NUMBER.us-central1.run.app --attempt-deadline 300s",
    );
  });

  it("without --dry-run it does call gcloud (and stops at the first failure)", async () => {
    const file = await script();
    const result = await execa("bash", [file], {
      env: { PATH: `${path.join(path.dirname(file), "bin")}:/usr/bin:/bin` },
      reject: false,
    });
    expect(result.exitCode).toBe(99);
    expect(result.stderr).toContain("CALLED");
  });

  it("rejects unknown arguments", async () => {
    const result = await execa("bash", [await script(), "--dryrun"], { reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/unknown argument/);
  });
});
