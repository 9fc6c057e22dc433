import { expect, it } from 'vitest';
import type { TargetConfig } from '../../src/config/schema.js';
import { targetById, targetPosition } from '../../src/config/target-index.js';

const target = (id: string): TargetConfig =>
  ({ id, account: 'a', service: 'rds', instance: `i-${id}`, labels: {}, rules: {} }) as TargetConfig;

it('targetById() finds a target of the config by id, and nothing for an id it does not list', () => {
  const config = { targets: ['orders', 'payments', 'search'].map(target) };
  expect(targetById(config, 'payments')?.instance).toBe('i-payments');
  expect(targetById(config, 'billing')).toBeUndefined();
});

it('targetById() answers from the config it is given, not from an earlier one', () => {
  const before = { targets: [target('orders')] };
  const after = { targets: [target('orders'), target('billing')] };
  expect(targetById(before, 'billing')).toBeUndefined();
  expect(targetById(after, 'billing')?.id).toBe('billing');
  expect(targetById(before, 'billing')).toBeUndefined();
});

it('targetPosition() gives the index a target has in the config list, per list', () => {
  const before = { targets: ['orders', 'payments'].map(target) };
  const after = { targets: ['billing', 'orders', 'payments'].map(target) };
  expect(targetPosition(before, 'payments')).toBe(1);
  expect(targetPosition(after, 'payments')).toBe(2);
  expect(targetPosition(before, 'billing')).toBeUndefined();
});
