import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: [
    './src/db/schema.ts',
    './src/db/schema-discovery.ts',
    './src/db/schema-drills.ts',
    './src/db/schema-evidence.ts',
    './src/db/schema-pages.ts',
  ],
  out: './migrations',
});
