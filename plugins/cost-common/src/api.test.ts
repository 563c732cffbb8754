import type { CostByCategory } from './api';
import { COST_CATEGORIES, type CostCategory } from './records';

/** true when A and B are the same type, false otherwise. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B
  ? 1
  : 2
  ? true
  : false;

describe('the cost API contract', () => {
  it('breaks cost down by exactly the categories cost rows have', () => {
    // byCategory's fields come from the OpenAPI document, the categories
    // from the cost rows: the type check fails when one gains a category
    // the other lacks.
    const sameCategories: Equal<keyof CostByCategory, CostCategory> = true;
    const everyField: Record<keyof CostByCategory, true> = {
      compute: true,
      memory: true,
      gpu: true,
      storage: true,
      network: true,
      loadBalancer: true,
      cloudServices: true,
      shared: true,
      idle: true,
    };
    expect(sameCategories).toBe(true);
    expect(Object.keys(everyField).sort()).toEqual([...COST_CATEGORIES].sort());
  });
});
