// App processes that run a published image (a compose `image:` without `build:`, no source in the
// repository: Immich's immich-server and immich-machine-learning): no Dockerfile of ours stands for
// it, so the plan writes none and its notice names each image to run as it is.
import { afterAll, describe, expect, it } from "vitest";
import { planImages } from "../../src/image/plan.js";
import { parseInventory } from "../../src/inventory/load.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("pulled-image-");
afterAll(() => trees.removeAll());

function inventory(services: string): ReturnType<typeof parseInventory>["inventory"] {
  const text = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: photos }
services:
${services}target: { project: photos-prod, region: us-central1 }
`;
  return parseInventory(text, "inventory.yaml").inventory;
}

const SERVER = `  - { name: server, role: web, software: photos-server, listen: ["0.0.0.0:2283"], image: "ghcr.io/acme/photos-server:v2" }\n`;
const ML = `  - { name: ml, role: other, software: photos-ml, image: "ghcr.io/acme/photos-ml:v2" }\n`;

describe("processes that run a published image", () => {
  it("get no Dockerfile, and a notice that names each image to deploy as it is", () => {
    const plan = planImages(inventory(SERVER + ML), trees.makeSync({ "docker-compose.yml": "services: {}\n" }));
    expect(plan.images).toHaveLength(1);
    const [image] = plan.images;
    expect(image!.content).toBeUndefined();
    expect(image!.dockerfile).toBe("Dockerfile");
    expect(image!.pulled).toBe("ghcr.io/acme/photos-server:v2");
    expect(image!.notice).toMatch(
      /^server runs `ghcr\.io\/acme\/photos-server:v2`, ml runs `ghcr\.io\/acme\/photos-ml:v2`: published images .* no Dockerfile is written\. The deploy copies `ghcr\.io\/acme\/photos-server:v2` into the Artifact Registry repository .* Copy `ghcr\.io\/acme\/photos-ml:v2` the same way for ml\.$/,
    );
  });

  it("with no web process among them, the notice says to copy each image, and none is the deploy's", () => {
    const plan = planImages(inventory(ML), trees.makeSync({ "docker-compose.yml": "services: {}\n" }));
    expect(plan.images[0]!.pulled).toBeUndefined();
    expect(plan.images[0]!.notice).toMatch(/Run it as it is: copy each into the Artifact Registry repository/);
  });

  it("a process whose runtime is known is built from the repository as before, image or not", () => {
    const node = `  - { name: server, role: web, software: node, runtime: node, command: node server.js, listen: ["0.0.0.0:3000"], image: "ghcr.io/acme/web:1" }\n`;
    const plan = planImages(
      inventory(node),
      trees.makeSync({ "package.json": '{"name":"web","scripts":{"start":"node server.js"}}\n', "server.js": "" }),
    );
    expect(plan.images.map((i) => i.runtime)).toEqual(["node"]);
    expect(plan.images[0]!.notice ?? "").not.toMatch(/published image/);
  });
});
