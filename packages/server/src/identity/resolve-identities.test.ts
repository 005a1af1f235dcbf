import { describe, expect, it } from 'vitest';
import type { Identifier } from '../core/identifiers.ts';
import { compileRules, IdentityRules } from './identity-rules.ts';
import { resolveIdentities, type KnownProfile } from './resolve-identities.ts';

const id = (type: Identifier['type'], value: string): Identifier => ({ type, value });

function run(known: KnownProfile[], events: Identifier[][], rules = IdentityRules.parse({})) {
  let n = 0;
  return resolveIdentities({
    known,
    events: events.map((identifiers, i) => ({ messageId: `m${i}`, identifiers })),
    rules: compileRules(rules),
    newId: () => `new${++n}`,
  });
}

describe('resolveIdentities', () => {
  it.each([
    {
      name: 'creates one profile for events sharing an anonymousId',
      known: [],
      events: [[id('anonymousId', 'a1')], [id('anonymousId', 'a1'), id('email', 'x@y.ir')]],
      customers: ['new1', 'new1'],
      merges: 0,
    },
    {
      name: 'merges an email contact with a WhatsApp contact that shares the phone',
      known: [
        { customerId: 'c-email', identifiers: [id('email', 'sara@example.com')] },
        { customerId: 'c-wa', identifiers: [id('whatsapp', '+989121234567'), id('phone', '+989121234567')] },
      ],
      events: [[id('email', 'sara@example.com'), id('phone', '+989121234567')]],
      customers: ['c-email'],
      merges: 1,
    },
    {
      name: 'never merges two different userIds (family device)',
      known: [{ customerId: 'c-u1', identifiers: [id('userId', 'u1'), id('anonymousId', 'device')] }],
      events: [[id('userId', 'u2'), id('anonymousId', 'device')]],
      customers: ['new1'],
      merges: 0,
    },
    {
      name: 'sends an anonymous event of a known device to its profile',
      known: [{ customerId: 'c-u1', identifiers: [id('userId', 'u1'), id('anonymousId', 'device')] }],
      events: [[id('anonymousId', 'device')]],
      customers: ['c-u1'],
      merges: 0,
    },
  ])('$name', ({ known, events, customers, merges }) => {
    const result = run(known, events);
    expect(result.customerIds).toEqual(customers);
    expect(result.merges).toHaveLength(merges);
  });

  it('ignores blocked shared values when matching', () => {
    const rules = IdentityRules.parse({ blockedValues: [{ type: 'email', value: 'info@shop.ir' }] });
    const result = run(
      [{ customerId: 'c1', identifiers: [id('userId', 'u1')] }],
      [
        [id('userId', 'u1'), id('email', 'info@shop.ir')],
        [id('userId', 'u2'), id('email', 'info@shop.ir')],
      ],
      rules,
    );
    expect(result.customerIds).toEqual(['c1', 'new1']);
    expect(result.newIdentities.map((n) => n.identifier.type)).toEqual(['userId']);
  });

  it('stops adding identifiers of a type past its limit', () => {
    const rules = IdentityRules.parse({ maxPerType: { email: 2 } });
    const result = run(
      [],
      [
        [id('userId', 'u'), id('email', 'a@x.ir')],
        [id('userId', 'u'), id('email', 'b@x.ir')],
        [id('userId', 'u'), id('email', 'c@x.ir')],
      ],
      rules,
    );
    expect(result.newIdentities.filter((n) => n.identifier.type === 'email')).toHaveLength(2);
  });

  it('re-points events and identities of the batch at the survivor of a later merge', () => {
    const result = run(
      [],
      [[id('anonymousId', 'a')], [id('email', 'e@x.ir')], [id('email', 'e@x.ir'), id('anonymousId', 'a')]],
    );
    expect(result.originIds).toEqual(['new1', 'new2', 'new2']);
    expect(result.customerIds).toEqual(['new2', 'new2', 'new2']);
    expect(new Set(result.newIdentities.map((n) => n.customerId))).toEqual(new Set(['new2']));
    expect(result.merges[0]).toMatchObject({ winnerId: 'new2', loserId: 'new1', messageId: 'm2' });
  });
});
