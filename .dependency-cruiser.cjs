// Folder boundaries (README "Development") and import cycles, checked on resolved paths.
// Run by `npm run lint` (part of `npm test`).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Import cycles (type-only ones included) make modules impossible to read or test alone.",
      from: {},
      to: { circular: true },
    },
    {
      name: "phase-to-other-phase",
      severity: "error",
      comment: "A phase depends on src/contracts, never on another phase's folder.",
      from: { path: "^src/phases/([^/]+)/" },
      to: { path: "^src/phases/([^/]+)/", pathNot: "^src/phases/$1/" },
    },
    {
      name: "engine-to-cli",
      severity: "error",
      comment: "Only src/cli talks to a person; nothing below it imports it.",
      from: { path: "^src/", pathNot: "^src/cli/" },
      to: { path: "^src/cli/" },
    },
    {
      name: "contracts-stand-alone",
      severity: "error",
      comment: "Contracts are what phases share: they import no phase, runner, engine or writer code.",
      from: { path: "^src/contracts/" },
      to: { path: "^src/(phases|pipeline|engine|cli|detect|init|render|validate)/" },
    },
    {
      name: "phases-below-the-runner",
      severity: "error",
      comment: "Phases are plain functions the runner calls: they never reach the runner, the engine or init.",
      from: { path: "^src/phases/" },
      to: { path: "^src/(pipeline|engine|init|detect|ci)/" },
    },
    {
      name: "only-the-engine-and-cli-use-the-pipeline",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/(cli|engine|pipeline)/" },
      to: { path: "^src/pipeline/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".mjs"] },
  },
};
