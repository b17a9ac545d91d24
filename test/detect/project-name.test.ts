// The project's name comes from the main app's own manifest: the runtime the proxy serves at `/`
// (else the one most processes run), from the repository; never from a neighbour's package.json
// (Redash's front end `redash-client` beside its pyproject `redash`; Taiga's taiga-events checkout).
import { describe, expect, it } from "vitest";
import { projectName, type ManifestName } from "../../src/detect/project-name.js";
import type { DetectedService } from "../../src/detect/types.js";

const svc = (name: string, role: string, runtime?: string, routes?: { path: string; service: string }[]) =>
  ({
    name,
    role,
    software: name,
    listen: [],
    dependsOn: [],
    ...(runtime ? { runtime } : {}),
    ...(routes ? { routes } : {}),
  }) as unknown as DetectedService;
const py = (name: string, host = false): ManifestName => ({ ecosystem: "python", name, host });
const js = (name: string, host = false): ManifestName => ({ ecosystem: "node", name, host });

describe("projectName", () => {
  it.each<[string, ManifestName[], DetectedService[], string | undefined]>([
    [
      "Redash: `/` goes to gunicorn, the root has both manifests",
      [js("redash-client"), py("redash")],
      [
        svc("nginx", "reverse-proxy", undefined, [{ path: "/", service: "server" }]),
        svc("server", "web", "python"),
        svc("worker", "worker", "python"),
      ],
      "redash",
    ],
    [
      "no route at `/`: the runtime most processes run",
      [js("client"), py("api")],
      [svc("web", "web", "python"), svc("worker", "worker", "python"), svc("ui", "web", "node")],
      "api",
    ],
    [
      "a Node app at `/` with a Python helper",
      [py("helper"), js("shop")],
      [
        svc("nginx", "reverse-proxy", undefined, [{ path: "/", service: "app" }]),
        svc("app", "web", "node"),
        svc("a", "worker", "python"),
        svc("b", "worker", "python"),
      ],
      "shop",
    ],
    [
      "Taiga: only another checkout's package.json names anything: no name (the folder's is used)",
      [js("taigaio-events", true)],
      [svc("taiga", "web", "python"), svc("taiga-async", "worker", "python"), svc("taiga-events", "web", "node")],
      undefined,
    ],
    [
      "the repository names another runtime only: still the repository's",
      [js("board")],
      [svc("web", "web", "python")],
      "board",
    ],
    [
      "only the VM's folder of the main runtime names it (no repository manifest)",
      [js("kuma", true)],
      [svc("kuma", "web", "node")],
      "kuma",
    ],
    ["nothing named", [], [svc("web", "web", "python")], undefined],
  ])("%s", (_name, names, services, expected) => {
    expect(projectName(names, services)).toBe(expected);
  });
});
