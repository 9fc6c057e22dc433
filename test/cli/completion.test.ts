import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

/** What `--help` says about one command: its subcommands and every option flag. Read independently of completion.ts. */
interface HelpedCommand {
  path: string[];
  subcommands: string[];
  options: string[];
  help: string;
}

async function helpTree(path: string[] = []): Promise<HelpedCommand[]> {
  const r = await runCli([...path, '--help']);
  expect(r.code).toBe(0);
  const section = (name: string) => {
    const start = r.stdout.indexOf(`\n${name}:\n`);
    if (start < 0) return [];
    const rest = r.stdout.slice(start + name.length + 3);
    return rest
      .slice(0, rest.search(/\n\S|\n\n|$/))
      .split('\n')
      .filter((l) => /^ {2}\S/.test(l));
  };
  const subcommands = section('Commands')
    .map((l) => l.trim().split(/\s+/)[0] as string)
    .filter((c) => c !== 'help');
  const options = section('Options').flatMap(
    (l) => (l.trim().split(/ {2,}/)[0] ?? '').replace(/[<[][^>\]]*[>\]]/g, '').match(/--?[A-Za-z][\w-]*/g) ?? [],
  );
  const self: HelpedCommand = { path, subcommands, options, help: r.stdout };
  const children = await Promise.all(subcommands.map((c) => helpTree([...path, c])));
  return [self, ...children.flat()];
}

describe('shell completion and help', () => {
  let tree: HelpedCommand[];
  let dir: string;
  let cleanup: () => void;
  let bash: string;
  beforeAll(async () => {
    tree = await helpTree();
    ({ dir, cleanup } = tempDir('ba-completion-'));
    bash = (await runCli(['completion', 'bash'])).stdout;
    writeFileSync(join(dir, 'completion.bash'), bash);
  });
  afterAll(() => cleanup());

  it('knows every command and subcommand, and every option of each', async () => {
    const commands = tree.flatMap((c) => c.subcommands);
    for (const name of [
      'validate',
      'run-once',
      'start',
      'worker',
      'status',
      'evaluate',
      'rules',
      'silence',
      'routes',
      'notify',
      'db',
      'demo',
      'simulate',
      'init',
      'schema',
      'doctor',
      'history',
      'completion',
      'add',
      'list',
      'expire',
      'test',
      'migrate',
    ]) {
      expect(commands).toContain(name);
    }
    const zsh = (await runCli(['completion', 'zsh'])).stdout;
    for (const c of tree) {
      const path = c.path.join(' ');
      for (const script of [bash, zsh]) {
        expect(script).toContain(`'${path}')`);
        for (const sub of c.subcommands) expect(script).toMatch(new RegExp(`'${path}'\\) (echo|print -rl --) '?[^\\n]*\\b${sub}\\b`));
        for (const opt of c.options) expect([path, opt, script.includes(opt)]).toEqual([path, opt, true]);
      }
    }
  });

  const complete = (line: string): string[] => {
    const words = line.split(' ');
    const script =
      `source ${join(dir, 'completion.bash')}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; ` +
      `_backup_auditor; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter(Boolean).sort();
  };

  it('completes commands, subcommands and options in bash', () => {
    expect(complete('backup-auditor st')).toEqual(['start', 'status']);
    expect(complete('backup-auditor silence ')).toEqual(['add', 'expire', 'list']);
    expect(complete('backup-auditor status --s')).toEqual(['--sort', '--state']);
    expect(complete('backup-auditor --config run-once.yaml run-once --d')).toEqual(['--dry-run']);
    expect(complete('backup-auditor silence add --r')).toEqual(['--reason', '--rule']);
    expect(complete('backup-auditor history orders-db --')).toEqual(
      ['--config', '--help', '--json', '--poll', '--raw', '--since', '--version', '-c', '-h', '-V'].filter((o) => o.startsWith('--')),
    );
  });

  it.skipIf(spawnSync('zsh', ['--version']).status !== 0)(
    'writes a zsh script that zsh parses and that offers the right words',
    async () => {
      const file = join(dir, '_backup-auditor');
      writeFileSync(file, (await runCli(['completion', 'zsh'])).stdout);
      expect(spawnSync('zsh', ['-n', file], { encoding: 'utf8' }).status).toBe(0);
      // zsh's completion widgets need a terminal; stand-ins print what the script offers instead.
      const offered = (line: string): string[] => {
        const script = [
          'compdef() { :; }',
          `source ${file}`,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh expansions, run by zsh
          '_describe() { print -l -- "${(@P)4}"; }',
          '_files() { print FILES; }',
          'compadd() { shift; print -l -- "$@"; }',
          `words=(\${(s: :)\${:-${line.replace(/ $/, ' _')}}}); [[ "${line}" == *" " ]] && words[-1]=""`,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh expansions, run by zsh
          'CURRENT=${#words}; PREFIX=${words[CURRENT]}; _backup_auditor',
        ].join('\n');
        const r = spawnSync('zsh', ['-c', script], { encoding: 'utf8' });
        expect(r.stderr).toBe('');
        return r.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(':')[0] as string);
      };
      expect(offered('backup-auditor silence ')).toEqual(['add', 'list', 'expire']);
      expect(offered('backup-auditor status --s')).toEqual(expect.arrayContaining(['--state', '--sort', '--config']));
      expect(offered('backup-auditor --config x.yaml run-once --')).toContain('--dry-run');
      expect(offered('backup-auditor --config ')).toEqual(['FILES']);
    },
  );

  it('refuses an unknown shell with exit 2', async () => {
    const r = await runCli(['completion', 'fish']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"fish" is not a supported shell; use bash or zsh');
  });

  it('shows an example in the help of every command', () => {
    for (const c of tree)
      expect([c.path.join(' '), /\nExamples?:\n {2}\$ .*backup-auditor /.test(c.help)]).toEqual([c.path.join(' '), true]);
  });
});
