// A written Dockerfile that builds the server only while the server serves a static folder another
// package may build: the plan and the pipeline README say the UI may answer 404 and what to add.
// Twenty without its own Dockerfile (only its server's ServeStaticModule) stands in for such a repo.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { cicdPlanSteps } from "../../../src/phases/cicd/plan-steps.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { chain } from "../../helpers/chain.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { inputFromFile, ROOT } from "../../helpers/phase-input.js";

const trees = new TempTrees("im-front-gap-");
afterAll(() => trees.removeAll());

const TWENTY = path.join(ROOT, "test/fixtures/real/twenty");
const REPO = path.join(TWENTY, "vm/opt/twenty");

function filesUnder(dir: string, rel = ""): Record<string, string> {
  return Object.assign(
    {},
    ...readdirSync(path.join(dir, rel), { withFileTypes: true }).map((e) => {
      const child = rel ? `${rel}/${e.name}` : e.name;
      return e.isDirectory() ? filesUnder(dir, child) : { [child]: readFileSync(path.join(dir, child), "utf8") };
    }),
  );
}

async function twenty(withDockerfile: boolean) {
  const files = filesUnder(REPO);
  if (!withDockerfile) delete files["packages/twenty-docker/twenty/Dockerfile"];
  files["packages/twenty-server/src/app.module.ts"] =
    "import { ServeStaticModule } from '@nestjs/serve-static';\nServeStaticModule.forRoot({ rootPath: join(__dirname, 'front') });\n";
  const repoDir = await trees.make(files);
  const { input } = chain({ ...inputFromFile(path.join(TWENTY, "inventory.yaml")), repoDir });
  const result = offlineCicd(input);
  const artifacts = renderCicd(result, input);
  return {
    steps: cicdPlanSteps(result, input),
    dockerfile: artifacts.find((a) => a.path === "Dockerfile")!.content,
    readme: artifacts.find((a) => a.path === CICD_PATHS.readme)!.content,
  };
}

describe("the front end the image may lack", () => {
  it("without the app's Dockerfile: the plan and README name the gap and what to add", async () => {
    const { steps, dockerfile, readme } = await twenty(false);
    expect(dockerfile).not.toContain("twenty-front");
    const step = steps.find((s) => s.title === "The front end in `Dockerfile`")!;
    expect(step.stage).toBe("prepare");
    expect(step.body).toContain("`Dockerfile` builds the server only.");
    expect(step.body).toContain("(packages/twenty-server/src/app.module.ts)");
    expect(step.body).toContain("packages/twenty-front builds a front end");
    expect(step.body).toContain(
      "`RUN yarn nx run twenty-front:build && cp -R /app/packages/twenty-front/<its output folder>",
    );
    expect(readme).toContain("the UI answers 404");
  });

  it("with it: the image builds the front end and nothing is said", async () => {
    const { steps, dockerfile, readme } = await twenty(true);
    expect(dockerfile).toContain("cp -R /app/packages/twenty-front/build /app/packages/twenty-server/dist/front");
    expect(steps.some((s) => /front end/.test(s.title))).toBe(false);
    expect(readme).not.toContain("the UI answers 404");
  });
});
