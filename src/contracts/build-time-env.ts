// Public settings a front end's bundler writes into the code when the app is built: the browser
// code holds their values as text, so setting them on Cloud Run when the container starts changes
// nothing there. They are public by definition (every visitor downloads them), so they are never
// secrets: the image build takes them (Dockerfile `ARG`, the deploy's `--build-arg`).
// - Next.js: `NEXT_PUBLIC_` "will be inlined into the JavaScript bundle during next build"; after
//   the build the app "will no longer respond to changes to these environment variables".
//   https://nextjs.org/docs/app/guides/environment-variables#bundling-environment-variables-for-the-browser
// - Vite: `import.meta.env.VITE_*` is statically replaced at build time.
//   https://vite.dev/guide/env-and-mode#env-variables
// - Create React App: `REACT_APP_*` is embedded during the build.
//   https://create-react-app.dev/docs/adding-custom-environment-variables/
// Not here, on purpose: Nuxt 3's `NUXT_PUBLIC_*` overrides runtimeConfig.public when the server
// starts (https://nuxt.com/docs/guide/going-further/runtime-config#environment-variables), and
// SvelteKit's `PUBLIC_*` is build time only through $env/static/public ($env/dynamic/public reads
// it at runtime): the name alone does not say which.
import type { Service } from "../inventory/schema.js";
import { packageDependencies, type AppRepo } from "../image/repo.js";

interface Bundler {
  prefix: string;
  label: string;
  /** A package.json dependency that shows the bundler builds this app. */
  dependency: string;
  /** Inventory `framework` or `software` values that name it (no repository needed). */
  names: RegExp;
}

const BUNDLERS: readonly Bundler[] = [
  { prefix: "NEXT_PUBLIC_", label: "Next.js", dependency: "next", names: /^(next|nextjs|next\.js)$/i },
  { prefix: "VITE_", label: "Vite", dependency: "vite", names: /^vite$/i },
  {
    prefix: "REACT_APP_",
    label: "Create React App",
    dependency: "react-scripts",
    names: /^(create-react-app|cra|react-scripts)$/i,
  },
];

/**
 * The process's settings its front end's bundler inlines at build time, with the bundler's name:
 * the name's prefix, and the bundler named by the process (inventory framework or software) or by
 * a package.json dependency of the repository. A VITE_ name in an app that has no Vite is the
 * app's own runtime setting.
 */
export function buildTimeSettings(s: Service, names: readonly string[], repo?: AppRepo): Map<string, string> {
  const out = new Map<string, string>();
  const named = [s.framework, s.software].filter((x): x is string => Boolean(x));
  let deps: Set<string> | undefined;
  for (const b of BUNDLERS) {
    const mine = names.filter((n) => n.startsWith(b.prefix) && n.length > b.prefix.length);
    if (mine.length === 0) continue;
    deps ??= repo?.present ? packageDependencies(repo, ["dependencies", "devDependencies"]) : new Set<string>();
    if (!named.some((n) => b.names.test(n)) && !deps.has(b.dependency)) continue;
    for (const n of mine) out.set(n, b.label);
  }
  return out;
}
