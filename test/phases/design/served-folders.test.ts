// Folders the VM's proxy served from disk (inventory servedFolders) get a home by what they are:
// built in the repository → the image, no bucket; user files → their bucket, mounted, none made
// public; anything else → a public bucket behind a backend bucket that setup-load-balancer.sh
// creates and routes the path to. The mapping's text and the script agree: a path the text says
// the script creates is in the script and the URL map, and nothing else is.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { cicdPlanSteps } from "../../../src/phases/cicd/plan-steps.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { readFileSync } from "node:fs";
import { chain, chainFile, chainYaml, type Chained } from "../../helpers/chain.js";
import { inputFromFile, ROOT } from "../../helpers/phase-input.js";
import { urlMapProblems } from "../../helpers/url-map-check.js";

const app = (name: string) => chainFile(path.join(ROOT, "test/fixtures/real", name, "inventory.yaml"));
const lbScript = ({ input }: Chained): string =>
  new Map(renderCicd(offlineCicd(input), input).map((a) => [a.path, a.content])).get(CICD_PATHS.setupLoadBalancer)!;
const proxyText = ({ design }: Chained): string =>
  design.mapping.find((m) => m.service === "nginx")!.appChanges.find((c) => c.includes(" from disk;"))!;

/** The URL map the script imports, its variables filled in. */
function urlMap(script: string): string {
  const project = /^PROJECT_ID=(\S+)$/m.exec(script)![1]!;
  const body = /url-maps import "\$LB" [^\n]*<<EOF\n([\s\S]*?)\nEOF\n/.exec(script)![1]!;
  const compute = `https://www.googleapis.com/compute/v1/projects/${project}/global`;
  return body
    .replaceAll("$LB", /^LB=(\S+)$/m.exec(script)![1]!)
    .replaceAll("${BACKENDS[0]}", /^BACKENDS=\( (\S+)/m.exec(script)![1]!)
    .replaceAll("$base", `${compute}/backendServices`)
    .replaceAll("$buckets", `${compute}/backendBuckets`);
}

describe("folders the proxy served from disk", () => {
  it("Saleor: the dashboard's build gets a backend bucket the script creates and routes; media and static do not", async () => {
    const saleor = app("saleor");
    expect(saleor.design.deployment.loadBalancer!.folderBuckets).toEqual([
      {
        path: "/dashboard",
        bucket: "saleor-prod-dashboard",
        backendBucket: "saleor-lb-dashboard",
        sourcePath: "/var/www/saleor-dashboard",
      },
    ]);
    const text = proxyText(saleor);
    expect(text).toContain(
      "/dashboard: /var/www/saleor-dashboard: setup-load-balancer.sh creates the public bucket gs://saleor-prod-dashboard behind the backend bucket saleor-lb-dashboard",
    );
    expect(text).toMatch(
      /\/media: user files in gs:\/\/saleor-prod-media, mounted in saleor, which serves them; none made public/,
    );
    expect(text).toMatch(
      /\/static: \/opt\/saleor\/static is built in the repository: it ships in the image .*; no bucket/,
    );
    const script = lbScript(saleor);
    expect(script).toContain("run gcloud storage buckets create gs://saleor-prod-dashboard");
    expect(script).toContain("--member=allUsers --role=roles/storage.objectViewer");
    expect(script).toMatch(
      /backend-buckets create saleor-lb-dashboard --project "\$PROJECT_ID" \\\n\s+--gcs-bucket-name=saleor-prod-dashboard --enable-cdn/,
    );
    // Only the dashboard's bucket is made public; the media bucket is not in the script.
    expect(script).not.toContain("saleor-prod-media");
    const map = urlMap(script);
    const rules = (parse(map) as { pathMatchers: { routeRules?: { matchRules: object[]; service: string }[] }[] })
      .pathMatchers[0]!.routeRules!;
    expect(rules).toContainEqual(
      expect.objectContaining({
        matchRules: [{ prefixMatch: "/dashboard" }],
        service: "https://www.googleapis.com/compute/v1/projects/saleor-prod/global/backendBuckets/saleor-lb-dashboard",
      }),
    );
    const problems = await urlMapProblems([map]);
    if (problems) expect(problems).toEqual([undefined]);
    // The plan copies the folder in under its URL path (object names are the paths).
    const lb = cicdPlanSteps(offlineCicd(saleor.input), saleor.input).find(
      (s) => s.title === "Load balancer and certificate",
    )!;
    expect(lb.commands).toContain(
      "gcloud storage rsync /var/www/saleor-dashboard gs://saleor-prod-dashboard/dashboard --recursive --project=saleor-prod",
    );
  });

  // Taiga's nginx serves its front end's build at / and sends the app only /api/, /admin/, /events and
  // /media/: every path those leave is the front end's. The bucket takes /, the app keeps its own
  // paths and the folders it serves itself (/static from its image), each by a rule of its own.
  it("Taiga: the front end served at / gets a bucket for every path the app's routes leave", async () => {
    const taiga = app("taiga");
    const lb = taiga.design.deployment.loadBalancer!;
    expect(lb.folderBuckets).toEqual([
      {
        path: "/",
        bucket: "taiga-prod-site",
        backendBucket: "taiga-back-lb-site",
        sourcePath: "/home/taiga/taiga-front-dist/dist",
      },
    ]);
    expect(lb.routes.filter((r) => r.backend === "taiga-back").map((r) => r.path)).toEqual(
      expect.arrayContaining(["/api/", "/admin/", "/static"]),
    );
    expect(proxyText(taiga)).toContain(
      "/: /home/taiga/taiga-front-dist/dist: setup-load-balancer.sh creates the public bucket gs://taiga-prod-site behind the backend bucket taiga-back-lb-site, which takes every path the routes to taiga-back leave",
    );
    const map = urlMap(lbScript(taiga));
    const rules = (parse(map) as { pathMatchers: { routeRules: { matchRules: object[]; service: string }[] }[] })
      .pathMatchers[0]!.routeRules;
    // The bucket's / is the last rule: every longer prefix matches first.
    expect(rules.at(-1)).toEqual(
      expect.objectContaining({
        matchRules: [{ prefixMatch: "/" }],
        service: "https://www.googleapis.com/compute/v1/projects/taiga-prod/global/backendBuckets/taiga-back-lb-site",
      }),
    );
    const problems = await urlMapProblems([map]);
    if (problems) expect(problems).toEqual([undefined]);
    const step = cicdPlanSteps(offlineCicd(taiga.input), taiga.input).find(
      (s) => s.title === "Load balancer and certificate",
    )!;
    expect(step.commands).toContain(
      "gcloud storage rsync /home/taiga/taiga-front-dist/dist gs://taiga-prod-site/ --recursive --project=taiga-prod",
    );
  });

  it("a front end served at / beside an app the proxy also sends / to still moves nowhere", () => {
    const chained = chainYaml(`apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - name: nginx
    role: reverse-proxy
    software: nginx
    listen: ["0.0.0.0:443"]
    dependsOn: [web]
    routes: [{ path: /, service: web }]
    servedFolders: [{ path: /, folder: /srv/front/dist }]
  - { name: web, role: web, software: gunicorn, runtime: python, command: "gunicorn shop.wsgi --bind 127.0.0.1:8000", listen: ["127.0.0.1:8000"] }
target: { project: shop-prod, region: us-central1, service: shop }
`);
    expect(chained.design.deployment.loadBalancer!.folderBuckets).toBeUndefined();
    expect(proxyText(chained)).toContain("/: /srv/front/dist moves nowhere (the load balancer's / is the app's");
  });

  it.each(["healthchecks", "netbox"])("%s: collected static files ship in the image, no bucket", (name) => {
    const chained = app(name);
    expect(proxyText(chained)).toMatch(
      /^nginx served \/static from disk; .*built in the repository: it ships in the image/,
    );
    expect(chained.design.deployment.loadBalancer?.folderBuckets).toBeUndefined();
  });

  // Weblate's nginx serves /static from DATA_DIR/cache/static, Django's STATIC_ROOT (init marks it
  // built): files collectstatic builds from the code, not the data directory's user files, though
  // they sit in it. Nothing copies them with the data; the design says the data's mount hides them.
  it("Weblate: STATIC_ROOT in the data directory is built, not user files, and never copied", () => {
    const file = path.join(ROOT, "test/fixtures/real/weblate/inventory.yaml");
    const weblate = chainFile(file);
    const text = proxyText(weblate);
    expect(text).toContain(
      "/static: /home/weblate/data/cache/static is built from the code (collected static files), not user files: the image holds it and weblate must serve it (WhiteNoise); no bucket; the mount of /home/weblate/data would hide it: set STATIC_ROOT outside that folder.",
    );
    expect(text).toContain("/media: user files in /home/weblate/data");
    // The data directory on a Filestore share: the copy leaves the collected files out.
    const yaml = readFileSync(file, "utf8").replace(
      "    absoluteSetting: true\n",
      "    absoluteSetting: true\n    inPlaceHome: filestore\n",
    );
    const { input } = chainYaml(yaml);
    const network = cicdPlanSteps(offlineCicd(input), input).find((s) => s.title.startsWith("Private network"))!;
    expect(network.body).toContain("`sudo rsync -a --exclude=/cache/static/ APP_VM:/home/weblate/data/ /mnt/share/`");
  });

  // NetBox's guide has nginx alias /static/ to STATIC_ROOT; its settings install no WhiteNoise, and
  // Django serves no static files with DEBUG off: in the image nothing would answer /static/.
  it("NetBox: a Django app without WhiteNoise is told its image serves no /static yet, and what to add", () => {
    const dir = path.join(ROOT, "test/fixtures/real/netbox");
    const withRepo = (repoDir: string) =>
      chain({ ...inputFromFile(path.join(dir, "inventory.yaml")), repoDir }).design.mapping.find(
        (m) => m.service === "nginx",
      )!.appChanges;
    const changes = withRepo(path.join(dir, "vm/opt/netbox"));
    expect(changes).toContain(
      'netbox serves no static files yet: Django serves none with DEBUG off and no WhiteNoise is installed, so /static would answer 404 once nginx is gone. Add whitenoise to the dependencies and "whitenoise.middleware.WhiteNoiseMiddleware" to MIDDLEWARE right after SecurityMiddleware (https://whitenoise.readthedocs.io/en/stable/django.html).',
    );
    // An app whose dependencies install WhiteNoise (Healthchecks) gets no such change.
    const hc = path.join(ROOT, "test/fixtures/real/healthchecks");
    const hcChanges = chain({
      ...inputFromFile(path.join(hc, "inventory.yaml")),
      repoDir: path.join(hc, "vm/opt/healthchecks"),
    }).design.mapping.flatMap((m) => m.appChanges);
    expect(hcChanges.some((c) => c.includes("serves no static files yet"))).toBe(false);
  });
});
