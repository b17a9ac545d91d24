import { describe, expect, it } from "vitest";
import { classifyCommand, splitCommand } from "../../src/detect/command.js";

describe("splitCommand (shell words)", () => {
  it.each([
    ["gunicorn -b 0.0.0.0:$PORT app:app", ["gunicorn", "-b", "0.0.0.0:$PORT", "app:app"]],
    ["gunicorn -b ${HOST}:8000 app:app", ["gunicorn", "-b", "$HOST:8000", "app:app"]],
    [`sh -c "cd /srv/app && exec celery -A proj worker"`, ["sh", "-c", "cd /srv/app && exec celery -A proj worker"]],
    [`echo "a b"'c d' e\\ f`, ["echo", "a bc d", "e f"]],
    ["cd /srv && ./manage.py sendalerts # the loop", ["cd", "/srv", "&&", "./manage.py", "sendalerts"]],
    [
      "python -m rq.cli worker --url redis://localhost:6379/0 default",
      ["python", "-m", "rq.cli", "worker", "--url", "redis://localhost:6379/0", "default"],
    ],
  ])("%s", (line, words) => {
    expect(splitCommand(line)).toEqual(words);
  });

  it("keeps a quoted program path with spaces as one word", () => {
    const facts = classifyCommand(`"/opt/my app/venv/bin/uvicorn" app.main:app --port 8001`);
    expect(facts.software).toBe("uvicorn");
    expect(facts.listen).toBe("127.0.0.1:8001");
  });
});
