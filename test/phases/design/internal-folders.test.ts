// A proxy that served folders only to X-Accel-Redirect answers (inventory internalFolders): the
// load balancer replacing it reads no such header, so the mapping tells the app to sign or stream
// those files itself, naming the bucket the folder moves to.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chainFile } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";

describe("internal folders of the proxy", () => {
  it("Taiga: nginx's /_protected/ becomes signed URLs from the media bucket, answered by the apps it proxied", () => {
    const { design } = chainFile(path.join(ROOT, "test/fixtures/real/taiga/inventory.yaml"));
    const lb = design.mapping.find((m) => m.service === "nginx")!;
    const change = lb.appChanges.find((c) => c.includes("X-Accel-Redirect"))!;
    const bucket = design.deployment.buckets?.find((b) => b.sourcePath === "/home/taiga/taiga-back/media");
    expect(change).toContain("served /home/taiga/taiga-back/media only to answers carrying X-Accel-Redirect");
    expect(change).toContain("taiga-protected");
    expect(change).toContain("V4 signed URL");
    if (bucket) expect(change).toContain(`gs://${bucket.name}`);
  });

  it.each(["netbox", "outline", "ghost"])("%s: no internal folder, no such change", (app) => {
    const { design } = chainFile(path.join(ROOT, "test/fixtures/real", app, "inventory.yaml"));
    const text = design.mapping.flatMap((m) => m.appChanges).join(" ");
    expect(text).not.toContain("X-Accel-Redirect");
  });
});

describe("folders the proxy served from disk", () => {
  it("Saleor: the dashboard gets a backend bucket, /media is the media bucket's, /static ships in the image — each said, none silently 404", () => {
    const { design } = chainFile(path.join(ROOT, "test/fixtures/real/saleor/inventory.yaml"));
    const lb = design.mapping.find((m) => m.service === "nginx")!;
    const change = lb.appChanges.find((c) => c.includes("from disk"))!;
    const bucket = design.deployment.buckets!.find((b) => b.sourcePath === "/opt/saleor/media")!;
    expect(change).toContain("nginx served /dashboard, /media, /static from disk");
    expect(change).toContain("without a home each would reach saleor and answer 404");
    expect(change).toContain("/dashboard: /var/www/saleor-dashboard: setup-load-balancer.sh creates the public bucket");
    expect(change).toContain(`/media: user files in gs://${bucket.name}`);
    expect(change).toContain("/static: /opt/saleor/static is built in the repository: it ships in the image");
  });

  it.each(["outline", "ghost", "n8n"])("%s: nginx serves no folder, no such change", (app) => {
    const { design } = chainFile(path.join(ROOT, "test/fixtures/real", app, "inventory.yaml"));
    expect(design.mapping.flatMap((m) => m.appChanges).join(" ")).not.toContain("from disk");
  });
});
