import { describe, expect, it } from "vitest";
import { hostOf, onlyPort, portOf } from "../../src/inventory/listen.js";

describe("listen addresses", () => {
  it("reads the port and host of host:port, IPv6 hosts bracketed", () => {
    expect(portOf("127.0.0.1:8000")).toBe(8000);
    expect(hostOf("127.0.0.1:8000")).toBe("127.0.0.1");
    expect(portOf("[::1]:9000")).toBe(9000);
    expect(hostOf("[::1]:9000")).toBe("[::1]");
    expect(hostOf("0.0.0.0:80")).toBe("0.0.0.0");
    expect(hostOf("8080")).toBe("");
  });

  it("names the one port of a process's sockets, and none when there are several or none", () => {
    expect(onlyPort(["0.0.0.0:8000", "[::]:8000"])).toBe(8000);
    expect(onlyPort(["127.0.0.1:8000", "127.0.0.1:8001"])).toBeUndefined();
    expect(onlyPort([])).toBeUndefined();
  });
});
