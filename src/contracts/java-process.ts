// A process that connects with JDBC: a Java runtime, a Spring app, a jar. Its database URL setting
// takes a JDBC URL (jdbc:postgresql://…), never a driver URL (postgresql://…), whatever the stack
// of the app beside it: the design plans its connection (database-env.ts) and setup-database.sh
// writes the URL in that form.
import type { Service } from "../inventory/schema.js";

export const isJavaProcess = (s: Pick<Service, "runtime" | "framework" | "software">): boolean =>
  s.runtime === "java" || /spring|java|\.jar\b/i.test(`${s.framework ?? ""} ${s.software}`);
