// A JVM app's settings file given on its command line as an argument (`java -jar tracker-server.jar
// conf/traccar.xml`), relative to the unit's working directory: a Java properties file, as XML
// (java.util.Properties.loadFromXML: `<entry key="database.url">…</entry>`) or as `key=value`
// lines. When it holds a password it is a secret file like any settings file a command names, and
// when a key holds a JDBC URL (`database.url` = `jdbc:mysql://localhost/traccar`) the app reads
// its database there: the plan says what that URL becomes on Cloud SQL.
// https://docs.oracle.com/en/java/javase/21/docs/api/java.base/java/util/Properties.html
import path from "node:path";

/** Words of a JVM command up to its main jar or class; what follows is the program's own. */
const JVM = /(^|\/)java$/;
const SETTINGS = /^[\w./@+-]+\.(xml|properties)$/i;
/** A key whose value is a secret (the key's last segment: database.password, mail.smtp.password). */
const SECRET_SEGMENT = /(pass(word|wd)?|secret|token|credentials?|private_?key|api_?key)$/i;
const JDBC = /^jdbc:([a-z0-9]+):\/\/([^/?;]*)/i;

/** The settings file a JVM command names as an argument, absolute (relative ones from `workingDir`). */
export function javaSettingsFileOf(command: string | undefined, workingDir: string | undefined): string | undefined {
  const words = (command ?? "").trim().split(/\s+/);
  if (!JVM.test(words[0] ?? "")) return undefined;
  let i = 1;
  // Options before the main jar (-Xmx512m, -Dx=y, -cp a:b), then `-jar app.jar` or a main class.
  while (i < words.length && words[i]!.startsWith("-") && words[i] !== "-jar")
    i += /^-(cp|classpath|-class-path)$/.test(words[i]!) ? 2 : 1;
  i += words[i] === "-jar" ? 2 : 1;
  const file = words.slice(i).find((w) => SETTINGS.test(w));
  if (!file) return undefined;
  if (file.startsWith("/")) return path.posix.normalize(file);
  return workingDir?.startsWith("/") ? path.posix.join(workingDir, file) : undefined;
}

const XML_ENTRY = /<entry\s+key\s*=\s*(["'])([^"']+)\1\s*>([\s\S]*?)<\/entry>/g;
const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

/** A properties file's keys and values: XML entries, or `key=value` / `key: value` lines. */
export function javaProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  if (/<properties[\s>]/.test(text)) {
    const bare = text.replace(/<!--[\s\S]*?-->/g, "");
    for (const m of bare.matchAll(XML_ENTRY)) out.set(m[2]!.trim(), unescapeXml(m[3]!.trim()));
    return out;
  }
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([^#!\s=:][^=:\s]*)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

export interface JavaSettings {
  /** Keys whose values are secrets (never the values). */
  secrets: string[];
  /** The key that holds the JDBC URL, its prefix as the "section", and the host it names on the VM. */
  database?: { section: string; host?: string; urlKey: string };
}

/** What a Java properties file holds that the move cares about. */
export function javaSettings(text: string): JavaSettings {
  const props = javaProperties(text);
  const secrets = [...props].filter(([k, v]) => SECRET_SEGMENT.test(k.split(".").pop()!) && v !== "").map(([k]) => k);
  const url = [...props].find(([k, v]) => /(^|[._-])url$/i.test(k) && JDBC.test(v));
  if (!url) return { secrets };
  const [urlKey, value] = url;
  const host = JDBC.exec(value)![2]!;
  return {
    secrets,
    database: {
      section: urlKey.includes(".") ? urlKey.slice(0, urlKey.lastIndexOf(".")) : "",
      ...(/^[A-Za-z0-9._:[\]-]{1,200}$/.test(host) ? { host } : {}),
      urlKey,
    },
  };
}
