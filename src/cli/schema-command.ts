import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { configJsonSchema } from '../config/json-schema.js';
import { type CliIO, EXIT, println } from './io.js';

type Run = (fn: () => Promise<number> | number) => Promise<void>;

/** `schema [--out FILE]`: the config's JSON Schema, generated from the zod schema `validate` uses. */
export function schemaCommand(program: Command, io: CliIO, run: Run): void {
  program
    .command('schema')
    .description('print the JSON Schema of the config file (generated from the schema `validate` uses), for editors')
    .option('--out <file>', 'write it to a file instead of stdout')
    .action((opts: { out?: string }) =>
      run(() => {
        const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
        if (opts.out === undefined) {
          io.stdout.write(text);
          return EXIT.compliant;
        }
        const path = resolve(io.cwd, opts.out);
        writeFileSync(path, text);
        println(io.stderr, `wrote ${path}; point the config at it with a first line \`# yaml-language-server: $schema=${opts.out}\``);
        return EXIT.compliant;
      }),
    );
}
