// Test helper: turn label text as Mermaid's parser stores it back into the characters a reader sees.
// Mermaid swaps `#NNN;` for placeholders before parsing (ﬂ°° … ¶ß) and the browser decodes the
// resulting `&#NNN;`; a real `<br/>` (or `<br>`) is a line break. Line breaks first: an escaped
// `#60;br/#62;` is text the user wrote and must stay text.
export function decodeMermaidLabel(stored: string): string {
  return stored
    .replace(/<br\s*\/?>/g, "\n")
    .replace(/\uFB02\u00B0\u00B0(\d+)\u00B6\u00DF/g, (_, code: string) => String.fromCodePoint(Number(code)));
}
