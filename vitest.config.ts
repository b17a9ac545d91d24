import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Generous: several agents share the 2 cores here and an e2e hook that builds a whole output
    // took over 60 s under that load (CI's quiet machine needs a fraction); timing is bench/'s job.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // e2e tests spawn the built CLI; two cores on our machines.
    maxWorkers: 2,
    // The prebuilt validator bundle (dist/vendor) is plain ESM for Node: transforming its 6 MB
    // through Vite costs seconds per test file and changes nothing.
    server: { deps: { external: [/\/dist\/vendor\//] } },
  },
});
