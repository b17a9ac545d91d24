// The app's folder on the VM, from the inventory's commands: what the image maps to /app.
import { describe, expect, it } from "vitest";
import { vmAppRoot } from "../../src/image/app-root.js";
import type { Inventory } from "../../src/inventory/schema.js";

const inventory = (commands: string[], storage: string[] = []): Inventory =>
  ({
    services: commands.map((command, i) => ({ name: `s${i}`, role: "worker", software: "x", command })),
    storage: storage.map((path) => ({ path })),
  }) as unknown as Inventory;

describe("vmAppRoot", () => {
  it.each([
    [["/usr/bin/php /var/www/pixelfed/artisan horizon"], [], "/var/www/pixelfed"],
    // Symfony's bin/console: the folder above bin/, not bin/ itself (wallabag's import worker).
    [
      ["/usr/bin/php /var/www/wallabag/bin/console wallabag:import:redis-worker --env=prod pocket -vv"],
      ["/var/www/wallabag/web/assets/images"],
      "/var/www/wallabag",
    ],
    [["/srv/shop/bin/console messenger:consume async"], [], "/srv/shop"],
    // Another program called console is no entry file.
    [["/opt/tools/console run"], [], undefined],
  ])("%j", (commands, storage, root) => {
    expect(vmAppRoot(inventory(commands, storage))).toBe(root);
  });
});
