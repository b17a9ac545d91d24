// The model answers the design without the surroundings the offline draft decides alone (load
// balancer, caches, network, buckets); the merge puts the draft's back and refuses an answer whose
// services or volumes no longer fit them.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GenerationError } from "../../../src/errors.js";
import { designModelAnswer, mergeSurroundings } from "../../../src/phases/design/model-answer.js";
import {
  designAnswerSchema,
  designResultSchema,
  DRAFT_FILLED,
  type DesignAnswer,
} from "../../../src/phases/design/schema.js";
import { chainFile, EXAMPLE } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";

const REAL = path.join(ROOT, "test/fixtures/real");
const apps = [
  EXAMPLE("seed-vm"),
  EXAMPLE("django-postgres"),
  ...(existsSync(REAL) ? readdirSync(REAL).map((a) => path.join(REAL, a, "inventory.yaml")) : []),
];

/** The offline design as a model would send it: the draft-filled keys are not in the answer schema. */
const asAnswer = (file: string) => {
  const { input, design } = chainFile(file);
  return { input, design, answer: designAnswerSchema.parse(structuredClone(design)) };
};

describe("the design answer schema", () => {
  it("leaves out exactly the draft-filled surroundings", () => {
    const { answer } = asAnswer(EXAMPLE("seed-vm"));
    for (const key of DRAFT_FILLED) expect(answer.deployment, key).not.toHaveProperty(key);
    expect(answer.deployment.services.length).toBeGreaterThan(0);
  });
});

describe("merging the draft's surroundings back", () => {
  it.each(apps)("%s: the offline answer round-trips to the offline result", (file) => {
    const { input, design, answer } = asAnswer(file);
    // (both schemas trim prose, so the comparison is with the parsed result)
    expect(designModelAnswer.complete(answer, input)).toEqual(designResultSchema.parse(structuredClone(design)));
  });

  it("an answer that renamed the only public service does not fit the load balancer", () => {
    const { design, answer } = asAnswer(EXAMPLE("seed-vm"));
    const api = answer.deployment.services.find((s) => s.kind === "api")!;
    const renamed: DesignAnswer = structuredClone(answer);
    renamed.deployment.services.find((s) => s.name === api.name)!.name = "someone-else";
    const error = (() => {
      try {
        return mergeSurroundings(renamed, design.deployment);
      } catch (e) {
        return e;
      }
    })() as GenerationError;
    expect(error).toBeInstanceOf(GenerationError);
    expect(error.findings.join("\n")).toContain(`the load balancer routes to ${api.name}`);
  });

  it("a dropped backend leaves the others behind the load balancer", () => {
    const file = path.join(REAL, "mastodon", "inventory.yaml");
    if (!existsSync(file)) return;
    const { design, answer } = asAnswer(file);
    const [first, second] = design.deployment.loadBalancer!.backends;
    const fewer: DesignAnswer = structuredClone(answer);
    fewer.deployment.services = fewer.deployment.services.filter((s) => s.name !== second);
    // Without nginx's route for /api/v1/streaming the second backend is only one of two.
    const unrouted = { ...design.deployment, loadBalancer: { ...design.deployment.loadBalancer!, routes: [] } };
    expect(mergeSurroundings(fewer, unrouted).deployment.loadBalancer!.backends).toEqual([first]);
  });

  it("a dropped backend the VM's proxy routed a path to is refused (the path would reach the wrong service)", () => {
    const file = path.join(REAL, "mastodon", "inventory.yaml");
    if (!existsSync(file)) return;
    const { design, answer } = asAnswer(file);
    const fewer: DesignAnswer = structuredClone(answer);
    fewer.deployment.services = fewer.deployment.services.filter((s) => s.name !== "mastodon-streaming");
    expect(() => mergeSurroundings(fewer, design.deployment)).toThrow(
      /the VM's proxy sends \/api\/v1\/streaming to mastodon-streaming, which the answer renamed or dropped/,
    );
  });

  it("a volume on a bucket the draft does not create is refused", () => {
    const { design, answer } = asAnswer(EXAMPLE("seed-vm"));
    const mounted: DesignAnswer = structuredClone(answer);
    mounted.deployment.services[0]!.volumes = [{ bucket: "invented-bucket", mountPath: "/data" }];
    expect(() => mergeSurroundings(mounted, design.deployment)).toThrow(GenerationError);
  });
});
