// Compose's `${…}` in the fields init reads as facts: a published port written `${APP_PORT:-8080}`
// made the whole inventory invalid (`0.0.0.0:${APP_PORT:-8080}` is no address), and a volume
// `media:${MEDIA_ROOT:-/app/media}` was split at the `:` of `:-` and its folder of uploads lost.
import { describe, expect, it, vi } from "vitest";
import { interpolate } from "../../src/detect/compose-interpolate.js";
import { parseCompose } from "../../src/detect/compose.js";

describe("compose's variable interpolation", () => {
  const vars = { SET: "8081", EMPTY: "" };
  it.each([
    ["${SET}", "8081"],
    ["$SET", "8081"],
    ["${UNSET}", ""],
    ["${UNSET:-8080}", "8080"],
    ["${EMPTY:-8080}", "8080"],
    ["${EMPTY-8080}", ""],
    ["${UNSET-8080}", "8080"],
    ["${SET:-8080}", "8081"],
    ["${SET:+on}", "on"],
    ["${EMPTY:+on}", ""],
    ["${SET:?required}", "8081"],
    ["${UNSET:-${SET:-1}}", "8081"],
    ["${UNSET:-${OTHER:-/app/media}}", "/app/media"],
    ["$${SET}", "${SET}"],
    ["127.0.0.1:${SET}:80", "127.0.0.1:8081:80"],
  ])("%s → %s", (text, want) => {
    expect(interpolate(text, vars)).toBe(want);
  });

  it("keeps a variable nothing sets as written when asked (a script's $PORT is a fact)", () => {
    expect(interpolate("--socket ${ENDPOINT} --port $PORT --workers ${N:-4}", {}, { keepUnset: true })).toBe(
      "--socket ${ENDPOINT} --port $PORT --workers 4",
    );
  });
});

describe("a compose file's variables in ports, volumes and images", () => {
  const COMPOSE = `name: \${PROJECT:-shop}
services:
  web:
    image: "acme/shop:\${TAG:-2.4.1}"
    ports:
      - "\${WEB_PORT:-8000}:8000"
      - target: 8443
        published: \${TLS_PORT:-8443}
        protocol: tcp
      - "\${NOT_A_NUMBER}:9000"
    volumes:
      - "media:\${MEDIA_ROOT:-/app/media}"
      - type: bind
        source: \${UPLOADS:-./uploads}
        target: /app/uploads
volumes:
  media: {}
`;

  it("fills in each default when the project's .env sets nothing", () => {
    const [web] = parseCompose(COMPOSE, "docker-compose.yml");
    expect(web).toMatchObject({ version: "2.4.1", listen: ["0.0.0.0:8000", "0.0.0.0:8443"] });
    expect(web!.composeMounts).toEqual([
      { target: "/app/media", volume: "media", project: "shop" },
      { target: "/app/uploads", bind: "./uploads", project: "shop" },
    ]);
  });

  it("takes the .env's values over the defaults, as docker compose does", () => {
    const vars = { WEB_PORT: "80", TLS_PORT: "443", MEDIA_ROOT: "/srv/media", TAG: "3.0", PROJECT: "prod" };
    const [web] = parseCompose(COMPOSE, "docker-compose.yml", vars);
    expect(web).toMatchObject({ version: "3.0", listen: ["0.0.0.0:80", "0.0.0.0:443"] });
    expect(web!.composeMounts![0]).toEqual({ target: "/srv/media", volume: "media", project: "prod" });
  });
});

describe("compose's own YAML tags", () => {
  it("reads `!reset` and `!override` (compose's merge tags) as plain values, without a YAML warning", () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      const found = parseCompose(
        "services:\n  web:\n    image: acme/web:1.0\n    ports: !override ['8080:80']\n  nginx: !reset\n",
        "compose.override.yml",
      );
      expect(found.map((s) => [s.name, s.listen])).toEqual([
        ["web", ["0.0.0.0:8080"]],
        ["nginx", []],
      ]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
