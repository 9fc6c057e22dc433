import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: ['./src/db/schema.ts', './src/db/schema-discovery.ts', './src/db/schema-drills.ts'],
  out: './migrations',
});
