// One `run:` line of a team's workflow read as a test command: which runner, for which stack, and
// the environment assignments before it. Spellings of one runner become the one our safe pattern
// admits (`./vendor/bin/phpunit` and `php8.3 vendor/bin/phpunit` are `vendor/bin/phpunit`,
// `yarn test:server` is `yarn run test:server`, `bin/rspec` is `bundle exec rspec`).
import { SAFE_TEST_COMMAND } from "./schema.js";

export type RunnerStack = "python" | "go" | "java" | "ruby" | "node" | "php";

export interface TestLine {
  command: string;
  stack: RunnerStack;
  /** `NAME=value` words before the command, as written (a value may hold an expression). */
  assignments: [string, string][];
  /** For a package script (`npm run x`, `composer run-script x`): its name, to check what it runs. */
  script?: string;
}

const ASSIGNMENT = /^([A-Za-z_]\w*)=(\S*)$/;
const MARK = "\u0000";

/** Script names that run an app's own tests, not a browser, a linter or the type checker. */
const TEST_SCRIPT = /^(tests?|unit|spec)([:_-][\w:.-]*)?$/;
const NOT_UNIT = /e2e|system|browser|playwright|cypress|lint|types?\b|tsc|bench/;

/** Yarn's and pnpm's own commands: never a package script's name after them. */
const PACKAGE_MANAGER_COMMAND =
  /^(install|i|add|remove|up|upgrade|dlx|exec|npx|create|init|why|info|config|set|workspace|workspaces|-.*)$/;

/** The command in its canonical spelling, with its stack, or undefined. */
function canonical(words: string[]): Omit<TestLine, "assignments"> | undefined {
  const line = words.join(" ");
  const py = /^(pytest|py\.test|python3? -m pytest|python3? ([\w-]+\/)?manage\.py test)\b/.exec(line);
  if (py) return { command: line.replace(/^py\.test\b/, "pytest"), stack: "python" };
  if (/^go test\b/.test(line)) return { command: line, stack: "go" };
  if (/^\.\/(mvnw|gradlew)\b/.test(line)) return { command: line, stack: "java" };
  const [first, second, third] = words;
  const rest = (n: number) => words.slice(n);
  // Ruby: Rails' runner, RSpec and Rake's test tasks, through Bundler or the app's binstubs.
  if (/^(bin\/)?rails$/.test(first!) && second === "test") return ruby(["bin/rails", ...rest(1)]);
  if (first === "bundle" && second === "exec" && third === "rails" && words[3] === "test")
    return ruby(["bundle", "exec", "rails", ...rest(3)]);
  if (/^(bin\/)?rspec$/.test(first!)) return ruby(["bundle", "exec", "rspec", ...rest(1)]);
  if (first === "bundle" && second === "exec" && third === "rspec") return ruby(words);
  const rake = /^(bin\/)?rake$/.test(first!)
    ? rest(1)
    : first === "bundle" && second === "exec" && third === "rake"
      ? rest(3)
      : undefined;
  if (rake && rake.every((t) => /^(test|spec)(:[\w]+)*$/.test(t) && !/system/.test(t)))
    return ruby(["bundle", "exec", "rake", ...rake]);
  // Node: a package script.
  if (first === "npm" && second === "test") return { command: line, stack: "node", script: "test" };
  if (first === "npm" && (second === "run" || second === "run-script") && third)
    return { command: ["npm", "run", ...rest(2)].join(" "), stack: "node", script: third };
  if ((first === "yarn" || first === "pnpm") && second && !PACKAGE_MANAGER_COMMAND.test(second)) {
    if (second === "test") return { command: line, stack: "node", script: "test" };
    const [script, args] = second === "run" ? [third, rest(3)] : [second, rest(2)];
    if (script) return { command: [first, "run", script, ...args].join(" "), stack: "node", script };
  }
  // PHP: PHPUnit (Composer's or Symfony's bin/phpunit), Pest, Laravel's runner, a Composer script.
  if (/^(\.\/)?(vendor\/bin\/(phpunit|pest)|bin\/phpunit)$/.test(first!))
    return { command: [first!.replace(/^\.\//, ""), ...rest(1)].join(" "), stack: "php" };
  if (/^php$/.test(first!) && second === "artisan" && third === "test") return { command: line, stack: "php" };
  if (first === "composer" && second === "test") return { command: line, stack: "php", script: "test" };
  if (first === "composer" && (second === "run" || second === "run-script") && third)
    return { command: ["composer", "run-script", ...rest(2)].join(" "), stack: "php", script: third };
  if (first === "composer" && second && TEST_SCRIPT.test(second))
    return { command: ["composer", "run-script", ...rest(1)].join(" "), stack: "php", script: second };
  return undefined;
}

function ruby(words: string[]): Omit<TestLine, "assignments"> {
  return { command: words.join(" "), stack: "ruby" };
}

/** One `run:` line as a test command our safe pattern admits, or undefined. */
export function readTestLine(line: string): TestLine | undefined {
  // An expression may hold spaces (`${{ matrix.database }}`): one word, marked, before splitting.
  const expressions: string[] = [];
  const words = line
    .trim()
    .replace(/\$\{\{[^}]*\}\}/g, (e) => {
      expressions.push(e);
      return `${MARK}${expressions.length - 1}${MARK}`;
    })
    .split(/\s+/);
  const assignments: [string, string][] = [];
  let at = 0;
  for (; at < words.length; at++) {
    const m = ASSIGNMENT.exec(words[at]!.replace(new RegExp(`${MARK}\\d+${MARK}`, "g"), "x"));
    if (!m) break;
    const value = words[at]!.slice(m[1]!.length + 1).replace(
      new RegExp(`${MARK}(\\d+)${MARK}`, "g"),
      (_, i: string) => expressions[Number(i)]!,
    );
    assignments.push([m[1]!, value]);
  }
  let rest = words.slice(at);
  // `php8.3 ./vendor/bin/phpunit`, `php${{ matrix.php }} bin/phpunit`: the job's PHP runs PHPUnit.
  if (rest.length > 1 && new RegExp(`^php(\\d+(\\.\\d+)*|${MARK}\\d+${MARK})?$`).test(rest[0]!)) {
    if (/^(\.\/)?(vendor\/bin\/(phpunit|pest)|bin\/phpunit)$/.test(rest[1]!)) rest = rest.slice(1);
    else if (rest[1] === "artisan") rest = ["php", ...rest.slice(1)];
  }
  if (rest.some((w) => w.includes(MARK))) return undefined;
  const found = canonical(rest);
  if (!found || !SAFE_TEST_COMMAND.test(found.command)) return undefined;
  return { ...found, assignments };
}

/** Whether a package.json script's body runs a unit test runner (HedgeDoc's `mocha-suite`: `mocha …`). */
export function runsTestRunner(body: string): boolean {
  return (
    /(^|[\s;&|(])(mocha|jest|vitest|ava|tap|c8|nyc|node --test|ts-mocha)(\s|$)/.test(body) &&
    !/playwright|cypress|wdio|e2e/.test(body)
  );
}

/** Whether a Node script of that name is a test script by its name alone. */
export function testScriptByName(name: string): boolean {
  return TEST_SCRIPT.test(name) && !NOT_UNIT.test(name);
}
