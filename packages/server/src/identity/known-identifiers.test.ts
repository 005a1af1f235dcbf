import { describe, expect, it } from 'vitest';
import { compileRules, IdentityRules } from './identity-rules.ts';
import { createKnownIdentifiers } from './known-identifiers.ts';

const rules = compileRules(IdentityRules.parse({}));
const epoch = (n: number) => ({ epoch: n, rules });

describe('createKnownIdentifiers', () => {
  it('forgets a workspace’s identifiers when they are remembered under a new epoch', () => {
    const known = createKnownIdentifiers(10);
    known.remember('w1', epoch(3), [['email\u0000a@example.ir', 'c1']]);
    known.remember('w2', epoch(7), [['email\u0000a@example.ir', 'c9']]);
    known.remember('w1', epoch(4), [['phone\u0000+989121234567', 'c2']]);
    expect(known.of('w1')?.epoch).toBe(4);
    expect([...known.of('w1')!.customers]).toEqual([['phone\u0000+989121234567', 'c2']]);
    expect(known.of('w2')?.customers.get('email\u0000a@example.ir')).toBe('c9');
  });

  it('keeps at most its limit per workspace, letting the longest-kept go first', () => {
    const known = createKnownIdentifiers(2);
    known.remember('w', epoch(0), [
      ['a', 'c1'],
      ['b', 'c2'],
    ]);
    known.remember('w', epoch(0), [
      ['b', 'c3'],
      ['c', 'c4'],
    ]);
    expect([...known.of('w')!.customers]).toEqual([
      ['b', 'c3'],
      ['c', 'c4'],
    ]);
  });

  it('keeps nothing with a limit of 0', () => {
    const known = createKnownIdentifiers(0);
    known.remember('w', epoch(0), [['a', 'c1']]);
    expect(known.of('w')).toBeUndefined();
  });
});
