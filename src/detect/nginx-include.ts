// nginx's `include`, spliced where it stands: in any block (http, server, location, upstream), its
// path relative to nginx's configuration folder /etc/nginx whatever file it stands in, globs allowed
// (https://nginx.org/en/docs/ngx_core_module.html#include). Sites keep parts of a server in included
// files (`include snippets/app.conf;` with the app's locations, Debian's proxy_params, certbot's
// options-ssl-nginx.conf); the readers (nginx.ts, nginx-routes.ts, body-limit.ts) then see them
// where nginx does. Each piece of the result knows its file and line, for evidence.
// templates/host/read-host.sh follows the same includes over ssh: keep the two in step.
import { type ConfigSource, expandInclude, includePattern, isGlob } from "./include-paths.js";

/** nginx's configuration folder (its conf prefix on Debian and RHEL): where relative includes start. */
export const NGINX_PREFIX = "etc/nginx";
/** Files within files: nginx's own limit is the open files; the ssh read follows as deep. */
const MAX_DEPTH = 8;
/** More files in one site than any real server needs: a runaway glob or include tree stops here. */
const MAX_SPLICES = 400;

/**
 * Files the nginx and certbot packages install whose stock text sets nothing read here (forwarded
 * headers, FastCGI parameters, TLS settings, MIME types): a copy without them misses nothing.
 */
const PACKAGED = new Set(
  [
    "proxy_params",
    "fastcgi_params",
    "fastcgi.conf",
    "uwsgi_params",
    "scgi_params",
    "mime.types",
    "koi-utf",
    "koi-win",
    "win-utf",
    "snippets/fastcgi-php.conf",
    "snippets/snakeoil.conf",
    "/etc/letsencrypt/options-ssl-nginx.conf",
  ].map((f) => includePattern(f, NGINX_PREFIX)!),
);

export interface IncludeStatement {
  start: number;
  /** Just past its `;`. */
  end: number;
  arg: string;
  /** The blocks around it in this text, outermost first (`["server", "location"]`). */
  blocks: string[];
}

/**
 * Each `include` statement of a text with the blocks around it. Comments run from `#` to the line's
 * end, as nginx-routes.ts reads them (read-host.sh's awk splits statements the same way).
 */
export function includeStatements(text: string): IncludeStatement[] {
  const out: IncludeStatement[] = [];
  const blocks: string[] = [];
  let from = 0;
  const re = /#[^\n]*|[{};]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].startsWith("#")) continue;
    const clean = text.slice(from, m.index).replace(/#[^\n]*/g, (c) => " ".repeat(c.length));
    if (m[0] === "{") blocks.push(clean.trim().split(/\s+/)[0] ?? "");
    else if (m[0] === "}") blocks.pop();
    else {
      const inc = /^(\s*)include\s+("[^"]*"|'[^']*'|\S+)\s*$/.exec(clean);
      if (inc)
        out.push({
          start: from + inc[1]!.length,
          end: m.index + 1,
          arg: inc[2]!.replace(/^(["'])(.*)\1$/, "$2"),
          blocks: [...blocks],
        });
    }
    from = m.index + 1;
  }
  return out;
}

export interface Origin {
  /** Host-root-relative. */
  file: string;
  line: number;
}

export interface SplicedNginx {
  text: string;
  /** The file and line an offset of `text` comes from. */
  origin: (offset: number) => Origin;
  /** The files spliced in, host-root-relative, each once, in reading order. */
  included: string[];
  /** Files spliced in directly at the http{} level (a main file's sites). */
  httpLevel: string[];
}

export interface SpliceState {
  source: ConfigSource;
  /** What nginx would not find, said once each. */
  warnings: Set<string>;
}

interface Piece {
  at: number;
  file: string;
  line: number;
}

const lineAt = (text: string, offset: number) => 1 + (text.slice(0, offset).match(/\n/g)?.length ?? 0);

/**
 * `text` (the file `file`, host-root-relative) with its includes spliced in. `outer`: the blocks
 * around the file where it is included (`["http"]` for a site). `onlyIn`: follow only includes
 * inside this block (nginx.conf's `http`: its main-level includes load modules, not sites).
 */
export async function spliceNginx(
  file: string,
  text: string,
  state: SpliceState,
  outer: string[] = [],
  onlyIn?: string,
): Promise<SplicedNginx> {
  const pieces: Piece[] = [];
  const included: string[] = [];
  const httpLevel: string[] = [];
  let out = "";
  let budget = MAX_SPLICES;
  const walk = async (file: string, text: string, outer: string[], chain: string[]) => {
    let from = 0;
    const emit = (to: number) => {
      if (to > from) pieces.push({ at: out.length, file, line: lineAt(text, from) });
      out += text.slice(from, to);
    };
    for (const inc of includeStatements(text)) {
      const blocks = [...outer, ...inc.blocks];
      if (onlyIn && blocks[0] !== onlyIn) continue;
      emit(inc.start);
      from = inc.end;
      const pattern = includePattern(inc.arg, NGINX_PREFIX);
      // A named file is read as it is (nginx opens it); only a glob lists folders.
      const files = !pattern ? [] : isGlob(pattern) ? await expandInclude(pattern, state.source, false) : [pattern];
      const at = `/${file}:${lineAt(text, inc.start)}`;
      for (const next of files) {
        if (chain.includes(next) || chain.length >= MAX_DEPTH) continue;
        if (budget === 0) state.warnings.add(`${at}: more nginx includes than any site needs; the rest were not read`);
        if (--budget < 0) break;
        const inner = await state.source.read(next);
        if (inner === undefined) {
          if (!PACKAGED.has(next))
            state.warnings.add(`${at} includes /${next}, which was not read: what it sets is missing`);
          continue;
        }
        if (!included.includes(next)) included.push(next);
        if (blocks.length === 1 && blocks[0] === "http") httpLevel.push(next);
        await walk(next, inner, blocks, [...chain, next]);
        // A last line without its newline must not run into what follows the include.
        out += "\n";
      }
    }
    emit(text.length);
  };
  await walk(file, text, outer, [file]);
  const origin = (offset: number): Origin => {
    let piece: Piece = { at: 0, file, line: 1 };
    for (const p of pieces) if (p.at <= offset) piece = p;
    return { file: piece.file, line: piece.line + lineAt(out.slice(piece.at, offset), offset - piece.at) - 1 };
  };
  return { text: out, origin, included, httpLevel };
}
