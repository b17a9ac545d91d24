// What users can upload through a web front today: the front's own limit, capped by PHP's
// (upload_max_filesize, post_max_size) behind it when the app is PHP with its limits read.
import { describe, expect, it } from "vitest";
import type { PhpIni } from "../../src/inventory/php-limits.js";
import type { Service } from "../../src/inventory/schema.js";
import { effectiveBodyLimit, largeUploadFronts } from "../../src/inventory/upload-limit.js";

const service = (s: Partial<Service> & Pick<Service, "name" | "role" | "software">): Service =>
  ({ listen: [], dependsOn: [], env: [], ...s }) as Service;
const nginx = (limit?: Service["maxRequestBodyMiB"], dependsOn = ["app"]) =>
  service({
    name: "nginx",
    role: "reverse-proxy",
    software: "nginx",
    dependsOn,
    ...(limit !== undefined ? { maxRequestBodyMiB: limit } : {}),
  });
const fpm = (phpIni?: PhpIni, name = "app") =>
  service({ name, role: "web", software: "php-fpm", runtime: "php", ...(phpIni ? { phpIni } : {}) });
const ini = (upload: string, post: string): PhpIni => ({ uploadMaxFilesize: upload, postMaxSize: post });

describe("effectiveBodyLimit", () => {
  it.each([
    ["nginx 100 MiB, PHP's 2M/8M", [nginx(100), fpm(ini("2M", "8M"))], 2],
    ["nginx 100 MiB, php.ini 64M", [nginx(100), fpm(ini("64M", "64M"))], 64],
    ["nginx 20 MiB, php.ini 64M", [nginx(20), fpm(ini("64M", "64M"))], 20],
    ["nginx 100 MiB, PHP read with defaults only", [nginx(100), fpm({})], 2],
    ["nginx unlimited, PHP unlimited", [nginx("unlimited"), fpm(ini("0", "0"))], "unlimited"],
    ["nginx 250 MiB, PHP's limits not read", [nginx(250), fpm()], 250],
    // nginx without client_max_body_size takes 1 MiB: PHP's limit cannot raise it.
    ["nginx unset, php.ini 64M", [nginx(undefined), fpm(ini("64M", "64M"))], undefined],
    // A front reaching PHP and another app: PHP caps only part of it.
    [
      "nginx 100 MiB to PHP and a Node app",
      [nginx(100, ["app", "node"]), fpm(ini("2M", "8M")), service({ name: "node", role: "web", software: "node" })],
      100,
    ],
    // Two PHP pools behind one front: the larger PHP limit.
    [
      "nginx 100 MiB to two PHP apps",
      [nginx(100, ["app", "admin"]), fpm(ini("2M", "8M")), fpm(ini("40M", "40M"), "admin")],
      40,
    ],
  ] as const)("%s → %s", (_name, services, limit) => {
    expect(effectiveBodyLimit({ services: [...services] }, services[0]).limit).toBe(limit);
  });

  it("Apache with mod_php: PHP's limit alone without LimitRequestBody, the smaller of the two with it", () => {
    const apache = (extra: Partial<Service>) =>
      service({
        name: "apache2",
        role: "web",
        software: "apache2",
        runtime: "php",
        phpIni: ini("64M", "64M"),
        ...extra,
      });
    expect(effectiveBodyLimit({ services: [apache({})] }, apache({})).limit).toBe(64);
    expect(effectiveBodyLimit({ services: [apache({})] }, apache({ maxRequestBodyMiB: 50 })).limit).toBe(50);
    // PHP-FPM is no front: its own limits alone say nothing about what reaches it.
    expect(effectiveBodyLimit({ services: [fpm(ini("64M", "64M"))] }, fpm(ini("64M", "64M"))).limit).toBeUndefined();
  });
});

describe("effectiveBodyLimit: Apache in front of PHP-FPM (RHEL's conf.d/php.conf)", () => {
  const httpd = (limit?: Service["maxRequestBodyMiB"]) =>
    service({
      name: "httpd",
      role: "reverse-proxy",
      software: "httpd",
      dependsOn: ["app"],
      ...(limit !== undefined ? { maxRequestBodyMiB: limit } : {}),
    });
  it.each([
    // No LimitRequestBody: Apache's default (1 GiB since 2.4.54) is above PHP's, so PHP's applies.
    ["no LimitRequestBody, php.ini 512M", httpd(), ini("512M", "512M"), 512],
    ["no LimitRequestBody, PHP unlimited: Apache's 1 GiB", httpd(), ini("0", "0"), 1024],
    ["LimitRequestBody 100 MiB, php.ini 512M", httpd(100), ini("512M", "512M"), 100],
    ["LimitRequestBody 100 MiB, PHP's 2M/8M", httpd(100), ini("2M", "8M"), 2],
  ] as const)("%s → %s", (_name, front, phpIni, limit) => {
    expect(effectiveBodyLimit({ services: [front, fpm(phpIni)] }, front).limit).toBe(limit);
  });
});

describe("largeUploadFronts", () => {
  it("a 64 MiB php.ini behind a 100 MiB nginx is a large-upload front at 64 MiB; a 2 MiB one is none", () => {
    const large = largeUploadFronts({ services: [nginx(100), fpm(ini("64M", "64M"))] });
    expect(large.map((f) => [f.name, f.bodyLimitMiB, f.php?.limitMiB])).toEqual([["nginx", 64, 64]]);
    expect(largeUploadFronts({ services: [nginx(100), fpm(ini("2M", "8M"))] })).toEqual([]);
  });
});
