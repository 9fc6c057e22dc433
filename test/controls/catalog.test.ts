import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/registry.js';
import { iso27001 } from '../../src/controls/iso27001.js';
import { frameworkRegistry, frameworks } from '../../src/controls/registry.js';

const every = frameworks.all.flatMap((f) => f.controls.map((c) => ({ framework: f.id, ...c })));

describe('the control catalog', () => {
  it('gives every control an id, a title, the clause it asks for and at least one bearing rule', () => {
    expect(every.length).toBeGreaterThanOrEqual(12);
    for (const c of every) {
      expect(c.id, `${c.framework}`).toMatch(/\S/);
      expect(c.title, `${c.framework} ${c.id}`).toMatch(/\S/);
      expect(c.clause.length, `${c.framework} ${c.id}`).toBeGreaterThan(20);
      const parts = Object.values(c.evidence);
      expect(parts.length, `${c.framework} ${c.id}`).toBeGreaterThan(0);
      for (const ids of parts) expect(ids?.length, `${c.framework} ${c.id}`).toBeGreaterThan(0);
    }
  });

  it('names only registered rules', () => {
    const named = new Set(every.flatMap((c) => Object.values(c.evidence).flatMap((ids) => ids ?? [])));
    expect([...named].filter((id) => !rules.has(id))).toEqual([]);
    expect(named).toContain('restore-drill');
    expect(named).toContain('backup-gap');
  });

  it('maps restore testing where the framework text asks for it', () => {
    const restores = (fw: string, id: string) => every.find((c) => c.framework === fw && c.id === id)?.evidence.restores;
    for (const [fw, id] of [
      ['soc2', 'A1.3'],
      ['iso27001', '8.13'],
      ['nist80053', 'CP-4'],
      ['hipaa', '164.308(a)(7)(ii)(D)'],
    ] as const)
      expect(restores(fw, id), `${fw} ${id}`).toContain('restore-drill');
  });

  it('keeps control ids unique within a framework', () => {
    for (const f of frameworks.all) expect(new Set(f.controls.map((c) => c.id)).size, f.id).toBe(f.controls.length);
  });

  it('refuses two frameworks with one id', () => {
    expect(() => frameworkRegistry([iso27001, { ...iso27001, title: 'again' }])).toThrow('duplicate framework id: iso27001');
  });
});
