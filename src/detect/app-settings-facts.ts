// What a settings file from the app's own folder (one git ignores and that sets credentials:
// HedgeDoc's config.json, Rails' config/database.yml, secret-files.ts) says that Cloud Run changes:
// the app's own listener (HedgeDoc's production "host": "127.0.0.1" keeps it off the address
// Cloud Run sends to) and its database entry (a host naming the VM's database). The file reaches
// Cloud Run whole, as a Secret Manager secret file; these facts let the plan say which settings its
// stored version must change (design/rules/secret-files.ts).
//
// Such files are often keyed by environment (HedgeDoc's config.json by NODE_ENV, Rails'
// database.yml by RAILS_ENV): the production entry is the one a deploy reads.
import { parse as parseYaml } from "yaml";
import type { SecretFile } from "../inventory/schema.js";
import { ADDR_KEY, DATABASE_SECTION, HOST_VALUE, PORT_KEY, SERVER_SECTION, settingsSecrets } from "./settings-file.js";

type Sections = Map<string, Map<string, string>>;
export type AppSettingsFacts = Pick<SecretFile, "database" | "server">;

/** Entries of an environment-keyed file; production's (or prod's) is the one a deploy reads. */
const ENV_KEYS = /^(production|prod|staging|development|dev|test|default|defaults|shared)$/i;
const PRODUCTION = /^(production|prod)$/i;
/** Keys that mark an entry as a database connection (Rails' adapter, Sequelize's dialect). */
const DRIVER_KEY = /^(adapter|dialect|driver|engine)$/i;

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const scalar = (v: unknown): string | undefined =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;

/**
 * A JSON or YAML document's maps as sections named by their dotted path (`production.db`), each with
 * its scalar values, three levels deep; an environment-keyed document is read from its production
 * entry (sections keep the `production` prefix, so the plan names the key as the file spells it).
 */
export function documentSections(doc: unknown): Sections {
  const sections: Sections = new Map();
  if (!isMap(doc)) return sections;
  const keys = Object.keys(doc);
  const envKeyed = keys.length > 0 && keys.every((k) => ENV_KEYS.test(k) && isMap(doc[k]));
  const prod = envKeyed ? keys.find((k) => PRODUCTION.test(k)) : undefined;
  if (envKeyed && !prod) return sections;
  const visit = (value: Record<string, unknown>, name: string, depth: number) => {
    const values = new Map<string, string>();
    sections.set(name, values);
    for (const [k, v] of Object.entries(value)) {
      const s = scalar(v);
      if (s !== undefined) values.set(k, s);
      else if (isMap(v) && depth < 3) visit(v, name ? `${name}.${k}` : k, depth + 1);
    }
  };
  visit(prod ? (doc[prod] as Record<string, unknown>) : doc, prod ?? "", 0);
  return sections;
}

const lastOf = (section: string) => section.slice(section.lastIndexOf(".") + 1);

/** The database entry and the app's listener a JSON or YAML settings file sets. */
function documentFacts(sections: Sections): AppSettingsFacts {
  let database: AppSettingsFacts["database"];
  for (const [section, values] of sections) {
    const keys = [...values.keys()];
    const named = DATABASE_SECTION.test(lastOf(section));
    const driver = keys.some((k) => DRIVER_KEY.test(k)) && keys.some((k) => /^(host|database)$/i.test(k));
    if (!named && !driver) continue;
    const host = values.get(keys.find((k) => /^host$/i.test(k)) ?? "");
    database = { section, ...(host && HOST_VALUE.test(host) ? { host } : {}) };
    break;
  }
  let server: AppSettingsFacts["server"];
  for (const [section, values] of sections) {
    // The file's own top entry (or production's) or a server section; never the database's.
    const top = section === "" || PRODUCTION.test(section);
    if (section === database?.section || !(top || SERVER_SECTION.test(lastOf(section)))) continue;
    const keys = [...values.keys()];
    const addrKey = keys.find((k) => ADDR_KEY.test(k));
    const portKey = keys.find((k) => PORT_KEY.test(k));
    const addr = addrKey ? values.get(addrKey) : undefined;
    const port = portKey ? Number(values.get(portKey)) : NaN;
    const hasAddr = addrKey && addr && HOST_VALUE.test(addr);
    const hasPort = portKey && Number.isInteger(port) && port > 0 && port < 65536;
    if (!hasAddr && !hasPort) continue;
    server = {
      section,
      ...(hasAddr ? { addrKey, addr } : {}),
      ...(hasPort ? { portKey, port } : {}),
    };
    break;
  }
  return { ...(database ? { database } : {}), ...(server ? { server } : {}) };
}

/**
 * The database entry and the listener of a settings file from the app's folder: JSON and YAML
 * through their document's maps, INI-style files (.ini, .cfg, .conf, .toml) through settingsSecrets.
 * Code files (.py, .rb, .php, .js) give none: their values are not read here.
 */
export function appSettingsFacts(text: string, file: string): AppSettingsFacts {
  if (/\.(ini|cfg|conf|toml)$/i.test(file)) {
    const { database, server } = settingsSecrets(text, file);
    return { ...(database ? { database } : {}), ...(server ? { server } : {}) };
  }
  if (!/\.(json|ya?ml)$/i.test(file)) return {};
  let doc: unknown;
  try {
    doc = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text, { merge: true });
  } catch {
    return {};
  }
  return documentFacts(documentSections(doc));
}
