// What the fake Gemini server refuses, the way the real endpoints do: a request breaking one of
// these gets 400 INVALID_ARGUMENT, so every test through the fake is also a conformance test.
// Plain JS (not TS) because bench/*.mjs import the fake without a build step.

// responseJsonSchema keywords Gemini documents (@google/genai 2.32 genai.d.ts; see NOTES.md).
// The real API may ignore others; the fake is strict so the client never relies on them.
export const DOCUMENTED_SCHEMA_KEYWORDS = new Set([
  "$id",
  "$defs",
  "$ref",
  "$anchor",
  "type",
  "format",
  "title",
  "description",
  "enum",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "anyOf",
  "oneOf",
  "properties",
  "additionalProperties",
  "required",
  "propertyOrdering",
]);

/** Every keyword of a schema that Gemini does not document, with where it is: ["#/properties/id: pattern"]. */
export function undocumentedKeywords(schema, at = "#") {
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return [];
  const found = [];
  for (const [key, value] of Object.entries(schema)) {
    if (!DOCUMENTED_SCHEMA_KEYWORDS.has(key)) found.push(`${at}: ${key}`);
    else if (key === "properties" || key === "$defs")
      for (const [name, child] of Object.entries(value ?? {}))
        found.push(...undocumentedKeywords(child, `${at}/${key}/${name}`));
    else if (key === "items" || key === "additionalProperties")
      found.push(...undocumentedKeywords(value, `${at}/${key}`));
    else if (key === "anyOf" || key === "oneOf" || key === "prefixItems")
      (value ?? []).forEach((child, i) => found.push(...undocumentedKeywords(child, `${at}/${key}/${i}`)));
  }
  return found;
}

/** The first rule a generateContent body breaks, as the 400 message; undefined when it conforms. */
export function requestProblem(body) {
  if (!body || typeof body !== "object") return "Invalid JSON payload received.";
  const contents = body.contents ?? [];
  if (!Array.isArray(contents) || contents.length === 0)
    return "* GenerateContentRequest.contents: contents is not specified";
  for (const [i, content] of contents.entries()) {
    const parts = content?.parts ?? [];
    if (parts.length === 0) return `* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.`;
    for (const [j, part] of parts.entries()) {
      // Gemini and Vertex AI both answer 400 to an empty text part.
      if (typeof part?.text === "string" && part.text === "")
        return `* GenerateContentRequest.contents[${i}].parts[${j}].data: required oneof field 'data' must have one initialized field`;
    }
  }
  const config = body.generationConfig ?? {};
  const thinking = config.thinkingConfig ?? {};
  if (thinking.thinkingLevel !== undefined && thinking.thinkingBudget !== undefined)
    return "You can only set only one of thinking budget and thinking level.";
  if (config.responseJsonSchema) {
    const extra = undocumentedKeywords(config.responseJsonSchema);
    if (extra.length)
      return `fake-gemini (strict): responseJsonSchema uses undocumented keywords: ${extra.slice(0, 5).join(", ")}`;
  }
  return undefined;
}
