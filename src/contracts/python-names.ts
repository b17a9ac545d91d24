// Python names the generated AI worker may use: snake_case, not a keyword, not a name the
// generated models and records use themselves. Shared because the design derives the worker's
// task path from the task type, and the llmops phase emits the same names as Python identifiers.

const KEYWORDS = new Set([
  "False",
  "None",
  "True",
  "and",
  "as",
  "assert",
  "async",
  "await",
  "break",
  "class",
  "continue",
  "def",
  "del",
  "elif",
  "else",
  "except",
  "finally",
  "for",
  "from",
  "global",
  "if",
  "import",
  "in",
  "is",
  "lambda",
  "nonlocal",
  "not",
  "or",
  "pass",
  "raise",
  "return",
  "try",
  "while",
  "with",
  "yield",
  "match",
  "case",
  "type",
]);

/**
 * Names the generated models and records use themselves, pydantic BaseModel attributes (1.10 and
 * 2.x), and builtins that would shadow something a reader relies on.
 */
const RESERVED = new Set([
  "task_id",
  "request_id",
  "task_type",
  "status",
  "result",
  "error",
  "attempts",
  "input",
  "prompt_name",
  "prompt_version",
  "prompt_sha256",
  "model_id",
  "created_at",
  "updated_at",
  "dict",
  "json",
  "copy",
  "schema",
  "schema_json",
  "fields",
  "construct",
  "validate",
  "parse_obj",
  "parse_raw",
  "parse_file",
  "from_orm",
  "update_forward_refs",
  "config",
  "self",
  "cls",
  "id",
  "list",
  "str",
  "int",
  "float",
  "bool",
  "object",
  "print",
  "len",
  "open",
  "exec",
  "eval",
]);

export const PYTHON_RESERVED: ReadonlySet<string> = new Set([...KEYWORDS, ...RESERVED]);

/** True for a snake_case name that is safe as a Python attribute/identifier in our templates. */
export function isSafeIdentifier(name: string): boolean {
  return /^[a-z][a-z0-9_]*$/.test(name) && !PYTHON_RESERVED.has(name) && !name.startsWith("model_");
}
