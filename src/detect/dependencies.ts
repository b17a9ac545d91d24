// From package names to facts: which framework serves the web app, which database driver and
// LLM SDK are in use. Python and npm names share one table (names are normalised first).
import type { LlmProviderGuess } from "./types.js";
import type { PackageVersions } from "./python-deps.js";

/** Package → framework/tool label. Order matters only for display (we sort the result). */
const FRAMEWORKS: Record<string, string> = {
  fastapi: "fastapi",
  uvicorn: "uvicorn",
  gunicorn: "gunicorn",
  celery: "celery",
  django: "django",
  flask: "flask",
  redis: "redis",
  "django-redis": "redis",
  ioredis: "redis",
  express: "express",
  fastify: "fastify",
  next: "next",
  koa: "koa",
  "@nestjs/core": "nestjs",
};

/** Database driver package → engine (folder-stores.ts reads the same table). */
export const DATABASE_DRIVERS: Record<string, string> = {
  mysqlclient: "mysql",
  pymysql: "mysql",
  "mysql-connector-python": "mysql",
  aiomysql: "mysql",
  asyncmy: "mysql",
  mysql2: "mysql",
  mysql: "mysql",
  psycopg: "postgres",
  psycopg2: "postgres",
  "psycopg2-binary": "postgres",
  "psycopg-binary": "postgres",
  asyncpg: "postgres",
  pg: "postgres",
  postgres: "postgres",
};

const LLM_SDKS: Record<string, LlmProviderGuess> = {
  vertexai: "vertex-ai",
  "google-cloud-aiplatform": "vertex-ai",
  "@google-cloud/vertexai": "vertex-ai",
  "google-genai": "gemini-api",
  "google-generativeai": "gemini-api",
  "@google/genai": "gemini-api",
  "@google/generative-ai": "gemini-api",
  openai: "openai",
  anthropic: "anthropic",
  "@anthropic-ai/sdk": "anthropic",
};

export interface DependencyFacts {
  frameworks: string[];
  database?: string;
  /**
   * Every engine the drivers name, sorted: an ORM app lists a driver per dialect it supports
   * (HedgeDoc's Sequelize: pg, mysql2, mariadb, sqlite3), of which it uses one.
   */
  databases?: string[];
  llm?: LlmProviderGuess;
  /** Pinned version per framework label, e.g. uvicorn → 0.23.2. */
  versions: Record<string, string>;
}

export function readDependencies(packages: PackageVersions): DependencyFacts {
  const frameworks = new Set<string>();
  const versions: Record<string, string> = {};
  let database: string | undefined;
  const databases = new Set<string>();
  let llm: LlmProviderGuess | undefined;
  for (const [name, version] of packages) {
    const framework = FRAMEWORKS[name];
    if (framework) {
      frameworks.add(framework);
      if (version && framework === name) versions[framework] = version;
    }
    database ??= DATABASE_DRIVERS[name];
    if (DATABASE_DRIVERS[name]) databases.add(DATABASE_DRIVERS[name]);
    // Vertex AI wins over the Gemini API when both SDKs are present: the Vertex SDK is only there on purpose.
    const sdk = LLM_SDKS[name];
    if (sdk && (llm === undefined || sdk === "vertex-ai")) llm = sdk;
  }
  return {
    frameworks: [...frameworks].sort(),
    database,
    ...(databases.size > 1 ? { databases: [...databases].sort() } : {}),
    llm,
    versions,
  };
}
