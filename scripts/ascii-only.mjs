// Rewrites a built JavaScript file in ASCII only. esbuild escapes non-ASCII characters in strings
// and names (its default `charset`) but keeps comments and regular expression literals as written,
// Handlebars' precompiler keeps them in strings, and one such character makes V8 hold the whole file
// as a two-byte string: twice the memory, and slower to decode and to compile at every start. Each
// one is escaped where it stands, `\uXXXX` (UTF-16 code units), which in a comment is text nobody
// reads, in a string the same character, and in a regular expression matches the same character,
// with or without the `u` flag. One anywhere else (a template literal, whose raw text String.raw
// would see), or after a backslash, stops the build: write it as an escape in the source.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "acorn";

/** `sourceType`: "script" for a CommonJS bundle, "module" for an ES module. */
export function writeAsciiOnly(file, sourceType) {
  const source = readFileSync(file, "utf8");
  if (!/[^\x00-\x7f]/.test(source)) return;
  const spans = []; // [start, end, kind], in source order
  parse(source, {
    ecmaVersion: "latest",
    sourceType,
    allowHashBang: true,
    allowReturnOutsideFunction: sourceType === "script",
    onComment: (_block, _text, start, end) => spans.push([start, end, "comment"]),
    onToken: (token) =>
      (token.type.label === "regexp" || token.type.label === "string") &&
      spans.push([token.start, token.end, token.type.label]),
  });
  spans.sort((a, b) => a[0] - b[0]);
  let next = 0;
  const ascii = source.replace(/[^\x00-\x7f]/gu, (char, at) => {
    while (next < spans.length && spans[next][1] <= at) next++;
    const span = next < spans.length && spans[next][0] <= at ? spans[next] : undefined;
    // An escaped character (`\…`) in a literal would become an escaped backslash.
    const escaped = span?.[2] !== "comment" && /(^|[^\\])(\\\\)*\\$/.test(source.slice(span?.[0] ?? at, at));
    if (!span || escaped) {
      const line = source.slice(0, at).split("\n").length;
      throw new Error(`cannot escape ${JSON.stringify(char)} at ${path.basename(file)}:${line}`);
    }
    return [...Array(char.length).keys()].map((i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`).join("");
  });
  writeFileSync(file, ascii);
}
