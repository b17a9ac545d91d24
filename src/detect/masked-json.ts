// JSON read from a VM over ssh: the read script masks a value it takes for a secret, quotes and all
// (`"password": <redacted:vm>`, and `"jsonwebtoken": <redacted:vm>` in a package.json, the key
// naming a token), so the text is JSON again once each mask is a string.
// Only a mask in a value's place: after a key's closing quote and colon, `[` or `,`. One inside a
// string (a database URL's password, `"postgres://mmuser:<redacted:vm>@localhost/…"` in Mattermost's
// config.json) is already a string's text.
const MASK = /("\s*:\s*|\[\s*|,\s*)(<redacted:[a-z]+>)/g;

/** JSON.parse of a file's text, with the ssh read's masks taken as strings; undefined when not JSON. */
export function parseMaskedJson(text: string): unknown {
  try {
    return JSON.parse(text.replace(MASK, '$1"$2"'));
  } catch {
    return undefined;
  }
}
