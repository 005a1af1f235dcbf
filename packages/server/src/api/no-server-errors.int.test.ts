// Every route in the OpenAPI file, called with malformed input, answers 4xx with a catalogue
// code — never a 5xx. New routes are covered as soon as they are registered.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newWorkspace, startTestHub, type TestHub } from '../test-support/test-hub.ts';

let hub: TestHub;
let ws: Awaited<ReturnType<typeof newWorkspace>>;
beforeAll(async () => {
  hub = await startTestHub();
  ws = await newWorkspace(hub);
});
afterAll(() => hub.stop());

const BODIES = [
  '{',
  '[]',
  '"x"',
  '{"a":{"b":{"c":[1,2,{"d":null}]}}}',
  JSON.stringify({ email: 42, password: null, name: 'x'.repeat(5000), roles: 'all', limit: -1 }),
];
const PARAM_VALUES = ['not-a-uuid', randomUUID(), '%00', '..%2F..%2Fetc'];
const QUERIES = ['', '?limit=abc&cursor=%%%', '?type=&value=', '?type=phone&value=%D9%A0%D9%A9'];

describe('no input makes the hub answer 5xx', () => {
  it('answers every documented route with malformed input without a server error', async () => {
    const spec = (await hub.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const failures: string[] = [];
    let calls = 0;
    for (const [template, methods] of Object.entries(spec.paths)) {
      for (const method of Object.keys(methods)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        for (const param of PARAM_VALUES) {
          const path = template.replace(/\{[^}]+\}/g, param);
          for (const query of QUERIES) {
            for (const body of method === 'get' || method === 'delete' ? [undefined] : BODIES) {
              for (const auth of [
                `Bearer ${ws.token}`,
                `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}`,
              ]) {
                const reply = await hub.app.inject({
                  method: method.toUpperCase() as 'GET',
                  url: `${path}${query}`,
                  headers: { authorization: auth, 'content-type': 'application/json' },
                  payload: body,
                });
                calls++;
                if (reply.statusCode >= 500)
                  failures.push(
                    `${method.toUpperCase()} ${path}${query} ${body ?? ''} → ${reply.statusCode} ${reply.body.slice(0, 120)}`,
                  );
                else if (reply.statusCode >= 400 && !String(reply.json().error?.code).startsWith('PSK_'))
                  failures.push(
                    `${method.toUpperCase()} ${path} → ${reply.statusCode} without a catalogue code`,
                  );
              }
            }
          }
        }
      }
    }
    expect(calls).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  });
});
