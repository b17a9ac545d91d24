// Which settings the move re-points (deployment.repointed: a store's or another process's VM address,
// an S3 endpoint) follows from the inventory, not from the model's judgement: a model's design gets
// the draft's list whatever it answered, so setup-secrets.sh never copies the VM's value on the
// Gemini path either.
import { describe, expect, it } from "vitest";
import { mergeSurroundings } from "../../../src/phases/design/model-answer.js";
import { designAnswerSchema } from "../../../src/phases/design/schema.js";
import { chainYaml } from "../../helpers/chain.js";

const MONGO_APP = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: tripnote }
host: { hostname: vm, os: "Ubuntu 22.04" }
services:
  - { name: api, role: web, software: node, runtime: node, command: "node server.js", listen: ["127.0.0.1:3000"],
      dependsOn: [mongo], env: [MONGODB_URI, JWT_SECRET] }
  - { name: mongo, role: database, software: mongodb, listen: ["127.0.0.1:27017"] }
data:
  - { service: mongo, engine: mongodb, version: "7.0", sizeGiB: 9, backups: daily }
deploy: { method: ssh-systemctl }
target: { project: trip-prod, region: europe-west1, service: tripnote }
`;

describe("a model's design and the re-pointed settings", () => {
  it("is not asked of the model: the draft's list stands in the merged design", () => {
    const { design } = chainYaml(MONGO_APP);
    expect(design.deployment.repointed?.map((r) => r.name)).toEqual(["MONGODB_URI"]);
    const answer = designAnswerSchema.parse(structuredClone(design));
    // The answer schema does not ask for it at all.
    expect("repointed" in answer.deployment).toBe(false);
    expect(mergeSurroundings(answer, design.deployment).deployment.repointed).toEqual(design.deployment.repointed);
  });
});
