// User files of an app run under docker compose on its VM: the app services' bind mounts and named
// volumes of user files become storage, mounted where the container writes (`path`) and copied from
// where they are on the VM (`hostPath`). Before, init recorded no storage and the plan dropped every upload.
import { describe, expect, it } from "vitest";
import { parseCompose } from "../../src/detect/compose.js";
import { composeDirOnVm, composeStorage } from "../../src/detect/compose-storage.js";
import type { ServiceFinding } from "../../src/detect/types.js";

const COMPOSE = `services:
  web:
    build: .
    command: gunicorn shop.wsgi:application --bind 0.0.0.0:8000
    volumes:
      - ./media:/app/media
      - /srv/uploads:/app/uploads:rw
      - attachments:/app/attachments
      - ./config/settings.py:/app/shop/settings.py:ro
      - ./logs:/app/logs
      - /var/run/docker.sock:/var/run/docker.sock
      - static:/app/static
      - /app/node_modules
  worker:
    build: .
    command: celery -A shop worker
    volumes:
      - type: bind
        source: ./media
        target: /app/media
  db:
    image: postgres:16
    volumes: ["pgdata:/var/lib/postgresql/data"]
  redis:
    image: redis:7
    volumes: ["./data:/data"]
volumes:
  attachments:
  static:
  pgdata:
`;

const findings = (text = COMPOSE) => parseCompose(text, "docker-compose.yml");

describe("compose volumes of user files", () => {
  it("reads each service's bind mounts and named volumes, short and long form; anonymous volumes back nothing", () => {
    const web = findings().find((f) => f.name === "web")!;
    expect(web.composeMounts).toEqual([
      { target: "/app/media", bind: "./media" },
      { target: "/app/uploads", bind: "/srv/uploads" },
      { target: "/app/attachments", volume: "attachments" },
      { target: "/app/shop/settings.py", bind: "./config/settings.py" },
      { target: "/app/logs", bind: "./logs" },
      { target: "/var/run/docker.sock", bind: "/var/run/docker.sock" },
      { target: "/app/static", volume: "static" },
    ]);
    expect(findings().find((f) => f.name === "worker")!.composeMounts).toEqual([
      { target: "/app/media", bind: "./media" },
    ]);
  });

  it("only the app's folders of user files, at the container path, from the VM's folder; not databases' or caches' data, code, config, logs or sockets", () => {
    const { storage, unplaced } = composeStorage(findings(), "/srv/shop");
    expect(unplaced).toEqual([]);
    expect(storage).toEqual([
      {
        path: "/app/media",
        hostPath: "/srv/shop/media",
        purpose: "compose bind mount ./media:/app/media",
        services: ["web", "worker"],
        absoluteSetting: true,
      },
      {
        path: "/app/uploads",
        hostPath: "/srv/uploads",
        purpose: "compose bind mount /srv/uploads:/app/uploads",
        services: ["web"],
        absoluteSetting: true,
      },
      {
        path: "/app/attachments",
        hostPath: "/var/lib/docker/volumes/shop_attachments/_data",
        purpose: "compose named volume attachments:/app/attachments",
        services: ["web"],
        absoluteSetting: true,
      },
    ]);
  });

  it("a named volume's project is the file's name:, else the folder's name; a volume's own name: or external: is used as is", () => {
    const text = (top: string, vol: string) =>
      `${top}services:\n  app:\n    build: .\n    command: node server.js\n    volumes: ["files:/srv/app/files"]\nvolumes:\n  files:${vol}\n`;
    const host = (t: string, dir = "/opt/My.Shop") => composeStorage(findings(t), dir).storage[0]!.hostPath;
    expect(host(text("", ""))).toBe("/var/lib/docker/volumes/myshop_files/_data");
    expect(host(text("name: shopfront\n", ""))).toBe("/var/lib/docker/volumes/shopfront_files/_data");
    expect(host(text("", "\n    name: shop-files"))).toBe("/var/lib/docker/volumes/shop-files/_data");
    expect(host(text("", "\n    external: true"))).toBe("/var/lib/docker/volumes/files/_data");
  });

  it("without the compose file's folder on the VM a relative bind is unplaced: the container path is kept and the evidence asks", () => {
    const { storage, unplaced } = composeStorage(findings(), undefined);
    expect(storage.find((s) => s.path === "/app/media")).not.toHaveProperty("hostPath");
    expect(storage.find((s) => s.path === "/app/uploads")!.hostPath).toBe("/srv/uploads");
    expect(unplaced).toEqual(["./media:/app/media", "volume attachments:/app/attachments"]);
  });

  it("a bind of the same path on both sides needs no hostPath", () => {
    const text = `services:\n  app:\n    build: .\n    command: node server.js\n    volumes: ["/srv/uploads:/srv/uploads"]\n`;
    expect(composeStorage(findings(text), undefined).storage).toEqual([
      {
        path: "/srv/uploads",
        purpose: "compose bind mount /srv/uploads:/srv/uploads",
        services: ["app"],
        absoluteSetting: true,
      },
    ]);
  });

  it("reads env_file: as a name, a list or { path } entries", () => {
    const text = `services:\n  a:\n    image: x\n    env_file: .env\n  b:\n    image: x\n    env_file: [.env, ./web.env]\n  c:\n    image: x\n    env_file:\n      - path: .env.production\n        required: false\n`;
    expect(findings(text).map((f) => f.composeEnvFiles)).toEqual([
      [".env"],
      [".env", "./web.env"],
      [".env.production"],
    ]);
  });

  it("the compose folder on the VM: a unit's -f file, else its WorkingDirectory", () => {
    const unit = (command: string, workingDirectory?: string): ServiceFinding => ({
      name: "shop",
      role: "other",
      software: "docker",
      command,
      listen: [],
      onHost: true,
      source: "/etc/systemd/system/shop.service",
      ...(workingDirectory ? { workingDirectory } : {}),
    });
    expect(composeDirOnVm([unit("/usr/bin/docker compose -f /srv/shop/compose.yml up -d")])).toBe("/srv/shop");
    expect(composeDirOnVm([unit("/usr/bin/docker compose up -d", "/opt/shop/")])).toBe("/opt/shop");
    expect(composeDirOnVm([unit("/usr/local/bin/docker-compose --file deploy/compose.yml up", "/opt/shop")])).toBe(
      "/opt/shop/deploy",
    );
    expect(composeDirOnVm([unit("/usr/bin/dockerd -H fd://")])).toBeUndefined();
  });
});
