// drizzle-kit: generates SQL migrations into migrations/ from src/store/schema.ts
// (which re-exports the tables of schema-observations.ts: one entry, so no table is seen twice).
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/store/schema.ts",
  out: "./migrations",
});
