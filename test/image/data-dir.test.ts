// The data folder a bucket's folder sits in (inventory storage `dataDir`: Odoo's /var/lib/odoo
// around filestore/) is made in the image and given to the app's user (code-links.ts), since Cloud
// Run makes a mount point's parents as root and the app writes its other subfolders there.
import { describe, expect, it } from "vitest";
import { dataDirCommands } from "../../src/image/code-links.js";
import type { Inventory } from "../../src/inventory/schema.js";

const inv = (storage: Inventory["storage"]) => ({ storage }) as Inventory;
const user = { name: "app", uid: 10001, gid: 10001 };

describe("dataDirCommands", () => {
  it("makes each data folder once and gives it to the image's user", () => {
    const storage = [
      { path: "/var/lib/odoo/filestore", dataDir: "/var/lib/odoo" },
      { path: "/var/lib/odoo/exports", dataDir: "/var/lib/odoo" },
    ];
    expect(dataDirCommands(inv(storage), undefined, user)).toEqual([
      "mkdir -p /var/lib/odoo",
      "chown 10001:10001 /var/lib/odoo",
    ]);
  });

  it("does nothing for folders no data folder holds, and never chowns for an unknown user", () => {
    expect(dataDirCommands(inv([{ path: "/srv/media" }]), undefined, user)).toEqual([]);
    expect(dataDirCommands(inv([{ path: "/d/x", dataDir: "/d" }]), undefined)).toEqual(["mkdir -p /d"]);
  });
});
