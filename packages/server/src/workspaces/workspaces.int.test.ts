import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, startTestHub, type TestHub } from '../test-support/test-hub.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.stop());

const post = (url: string, payload: object, token?: string) =>
  hub.app.inject({
    method: 'POST',
    url,
    payload,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe('workspaces, users and sources', () => {
  it('lets the first person sign up, then only invited people', async () => {
    const bad = await post('/api/signup', { email: 'not-an-email', password: 'short' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toMatch(/^body\.(email|password)$/);

    const owner = await post('/api/signup', {
      email: 'Owner@Example.com',
      password: 'a-long-Passw0rd!',
      workspace: 'Bazaar',
    });
    expect(owner.statusCode).toBe(200);
    const { token } = owner.json();
    expect((await get(hub, token, '/api/me')).json()).toMatchObject({
      email: 'owner@example.com',
      role: 'owner',
      workspace: { name: 'Bazaar' },
    });

    const stranger = await post('/api/signup', {
      email: 'x@example.com',
      password: 'a-long-Passw0rd!',
      workspace: 'Mine',
    });
    expect(stranger.statusCode).toBe(403);
    expect(stranger.json().error.code).toBe('PSK_SIGNUP_CLOSED');

    const invite = (
      await post('/api/invitations', { email: 'agent@example.com', role: 'agent' }, token)
    ).json();
    const wrongEmail = await post('/api/signup', {
      email: 'other@example.com',
      password: 'a-long-Passw0rd!',
      invitation: invite.invitation,
    });
    expect(wrongEmail.json().error.code).toBe('PSK_INVITATION_INVALID');
    const agent = await post('/api/signup', {
      email: 'agent@example.com',
      password: 'a-long-Passw0rd!',
      invitation: invite.invitation,
    });
    expect(agent.json()).toMatchObject({ role: 'agent', workspaceId: owner.json().workspaceId });

    // An agent may read customers but not create sources.
    const forbidden = await post('/api/sources', { name: 'web' }, agent.json().token);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('PSK_FORBIDDEN_ROLE');
  });

  it('signs in with the password and refuses a wrong one', async () => {
    expect(
      (await post('/api/signin', { email: 'owner@example.com', password: 'a-long-Passw0rd!' })).statusCode,
    ).toBe(200);
    const wrong = await post('/api/signin', { email: 'owner@example.com', password: 'wrong-password' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('PSK_AUTH_BAD_CREDENTIALS');
  });

  it('shows a write key once and lists sources without it', async () => {
    const { token } = (
      await post('/api/signin', { email: 'owner@example.com', password: 'a-long-Passw0rd!' })
    ).json();
    const source = (await post('/api/sources', { name: 'POS', channel: 'store' }, token)).json();
    expect(source.writeKey).toMatch(/^pskw_/);
    const list = (await get(hub, token, '/api/sources')).json();
    expect(list.sources.find((s: { id: string }) => s.id === source.id)).toEqual({
      id: source.id,
      name: 'POS',
      channel: 'store',
      traitPriority: 0,
    });
    const apiToken = (await post('/api/tokens', { name: 'ci' }, token)).json();
    expect((await get(hub, apiToken.token, '/api/me')).statusCode).toBe(200);
  });

  it('refuses missing and invalid tokens with 401', async () => {
    expect((await hub.app.inject({ method: 'GET', url: '/api/me' })).json().error.code).toBe(
      'PSK_AUTH_MISSING',
    );
    expect((await get(hub, 'psk_nope', '/api/me')).json().error.code).toBe('PSK_AUTH_INVALID_TOKEN');
  });

  it('serves health, metrics and an OpenAPI file with the contract', async () => {
    expect((await hub.app.inject({ method: 'GET', url: '/api/health' })).json().status).toBe('ok');
    const metrics = await hub.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('pishkhan_http_requests_total');
    const spec = (await hub.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const path of [
      '/api/signup',
      '/api/sources',
      '/api/customers/lookup',
      '/api/customers/{id}/timeline',
      '/v1/track',
      '/v1/batch',
      '/api/health',
    ]) {
      expect(Object.keys(spec.paths)).toContain(path);
    }
    expect((await hub.app.inject({ method: 'GET', url: '/api/nothing-here' })).json().error.code).toBe(
      'PSK_ROUTE_NOT_FOUND',
    );
  });
});
