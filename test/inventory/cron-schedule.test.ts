import { describe, expect, it } from "vitest";
import { serviceSchema } from "../../src/inventory/schema.js";

const schedule = serviceSchema.shape.schedule;

describe("inventory schedule (cron)", () => {
  it.each([
    "*/5 * * * *",
    "0 3 * * *",
    "30 6 * * 1-5",
    "0 0 1 1,4,7,10 *",
    "5-59/20 * * * *",
    "0 9 * JAN-MAR MON-FRI",
    "0 0 * * 7",
    "@daily",
    "0 */5 * * * *",
  ])("accepts %s", (cron) => {
    expect(schedule.safeParse(cron).success).toBe(true);
  });

  it.each([
    "61 * * * *",
    "0 24 * * *",
    "0 0 0 * *",
    "0 0 32 * *",
    "0 0 * 13 *",
    "0 0 * * 8",
    "*/0 * * * *",
    "1-70 * * * *",
    "every day",
    "* * * *",
    "@sometimes",
  ])("rejects %s", (cron) => {
    expect(schedule.safeParse(cron).success).toBe(false);
  });
});
