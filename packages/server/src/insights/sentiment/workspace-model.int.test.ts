import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  postSigned,
  startDeskHub,
  startPeer,
  testAdapter,
  waitFor,
} from '../../inbox/testing/desk-test-hub.ts';
import { get, inviteMember, newWorkspace, type TestHub } from '../../test-support/test-hub.ts';

type Json = Record<string, unknown>;
type Example = { text: string; label: 'positive' | 'negative' };

// An ice-cream shop, where "cold" is praise and "warm" a complaint: the opposite of the food
// delivery reviews the default model learnt from, so only a workspace model gets it right.
const ITEMS = ['بستنی', 'نوشیدنی', 'دوغ', 'آبمیوه', 'فالوده', 'شربت', 'بستنی قیفی', 'معجون', 'اسموتی'];
const ICE_CREAM_SHOP: Example[] = ITEMS.flatMap((item) => [
  { text: `${item} سرد بود`, label: 'positive' as const },
  { text: `${item} سرد رسید، ممنون`, label: 'positive' as const },
  { text: `${item} گرم بود`, label: 'negative' as const },
  { text: `${item} گرم رسید و آب شده بود`, label: 'negative' as const },
]);
const PROBE = 'نوشابه سرد بود';
const SECRET = 'sentiment-secret-1';

let hub: TestHub;
let a: Awaited<ReturnType<typeof newWorkspace>>;
let b: Awaited<ReturnType<typeof newWorkspace>>;
let peer: Awaited<ReturnType<typeof startPeer>>;
let agentToken: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

const sentimentOf = async (token: string, text: string) =>
  (
    (
      await hub.app.inject({
        method: 'POST',
        url: '/api/insights/sentiment',
        headers: as(token),
        payload: { texts: [text] },
      })
    ).json() as { results: { label: string; score: number }[] }
  ).results[0]!;

const train = (token: string, payload: object) =>
  hub.app.inject({ method: 'POST', url: '/api/insights/sentiment/train', headers: as(token), payload });

beforeAll(async () => {
  hub = await startDeskHub();
  hub.desk.registerAdapter(testAdapter('api'));
  a = await newWorkspace(hub);
  b = await newWorkspace(hub);
  peer = await startPeer();
  agentToken = (await inviteMember(hub, a.token, { name: 'agent', role: 'agent' })).token;
});
afterAll(async () => {
  await hub.stop();
  await peer.close();
});

describe("a workspace's own sentiment model", () => {
  it('trains on labelled examples, beats the default on the same folds, and scores that workspace only', async () => {
    expect((await sentimentOf(a.token, PROBE)).label).toBe('negative');
    const res = await train(a.token, { examples: ICE_CREAM_SHOP });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { active: boolean; model: string; evaluation: Json };
    expect(body).toMatchObject({ active: true, model: 'workspace' });
    const evaluation = body.evaluation as {
      examples: number;
      folds: number;
      workspaceModel: { accuracy: number; foldAccuracies: number[] };
      defaultModel: { accuracy: number; foldAccuracies: number[] };
    };
    expect(evaluation).toMatchObject({ examples: 36, positives: 18, negatives: 18, folds: 5 });
    expect(evaluation.workspaceModel.foldAccuracies).toHaveLength(5);
    expect(evaluation.defaultModel.foldAccuracies).toHaveLength(5);
    expect(evaluation.workspaceModel.accuracy).toBeGreaterThan(evaluation.defaultModel.accuracy + 0.2);
    console.info(
      `ice-cream shop, 5-fold: workspace model ${evaluation.workspaceModel.accuracy}, default ${evaluation.defaultModel.accuracy}`,
    );

    expect((await sentimentOf(a.token, PROBE)).label).toBe('positive');
    // Workspace B never trained: the default model, and its answer, are unchanged.
    expect((await sentimentOf(b.token, PROBE)).label).toBe('negative');
    expect((await get(hub, a.token, '/api/insights/sentiment/model')).json()).toMatchObject({
      model: 'workspace',
      evaluation: { examples: 36 },
    });
    expect((await get(hub, b.token, '/api/insights/sentiment/model')).json()).toMatchObject({
      model: 'default',
      modelId: null,
      evaluation: null,
    });
  });

  it("gives the answer bot's hand-over summary the workspace model's mood", async () => {
    const moodOf = async (token: string) => {
      const res = await hub.app.inject({
        method: 'POST',
        url: '/api/knowledge/answer',
        headers: as(token),
        payload: { question: PROBE },
      });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { kind: string; summary: { sentiment: { label: string } } }).summary.sentiment
        .label;
    };
    // No articles in either workspace: a hand-over, whose summary carries the customer's mood.
    expect(await moodOf(a.token)).toBe('positive');
    expect(await moodOf(b.token)).toBe('negative');
  });

  it('scores listening mentions with the workspace model', async () => {
    const mention = (id: string) => ({
      mentions: [
        {
          network: 'instagram',
          id,
          author: { handle: 'fan' },
          text: PROBE,
          postedAt: '2025-03-01T10:00:00Z',
        },
      ],
    });
    const inA = await hub.app.inject({
      method: 'POST',
      url: '/api/listening/mentions',
      headers: as(a.token),
      payload: mention('a-1'),
    });
    const inB = await hub.app.inject({
      method: 'POST',
      url: '/api/listening/mentions',
      headers: as(b.token),
      payload: mention('b-1'),
    });
    expect(inA.json().recorded[0].sentiment).toBe('positive');
    expect(inB.json().recorded[0].sentiment).toBe('negative');
  });

  it('trains from conversations agents labelled sentiment:positive / sentiment:negative, and scores new messages with it', async () => {
    const inbox = (
      await hub.app.inject({
        method: 'POST',
        url: '/api/inboxes',
        headers: as(b.token),
        payload: { channel: 'api', name: 'Shop', config: { secret: SECRET, peerUrl: peer.url } },
      })
    ).json() as { id: string };
    const examples = ICE_CREAM_SHOP.slice(0, 24);
    await postSigned(hub, inbox.id, SECRET, {
      messages: examples.map((example, i) => ({
        id: `m-${i}`,
        from: [{ type: 'email', value: `c${i}@example.com` }],
        text: example.text,
      })),
    });
    const conversations = await waitFor(async () => {
      const list = (await get(hub, b.token, `/api/conversations?inboxId=${inbox.id}&limit=100`)).json() as {
        conversations: { id: string; customerId: string }[];
      };
      return list.conversations.length === examples.length ? list.conversations : null;
    });
    for (const conversation of conversations) {
      const messages = (await get(hub, b.token, `/api/conversations/${conversation.id}/messages`)).json() as {
        messages: { body: string }[];
      };
      const label = examples.find((e) => e.text === messages.messages[0]!.body)!.label;
      const patched = await hub.app.inject({
        method: 'PATCH',
        url: `/api/conversations/${conversation.id}`,
        headers: as(b.token),
        payload: { labels: [`sentiment:${label}`, 'ice-cream'] },
      });
      expect(patched.statusCode).toBe(200);
    }
    const res = await train(b.token, { fromConversations: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().evaluation).toMatchObject({
      examples: 24,
      sources: { given: 0, conversationLabels: 24, surveyComments: 0 },
    });
    expect((await sentimentOf(b.token, PROBE)).label).toBe('positive');

    // A customer's new message is scored on its timeline with the workspace's model.
    await postSigned(hub, inbox.id, SECRET, {
      messages: [{ id: 'probe', from: [{ type: 'email', value: 'new@example.com' }], text: PROBE }],
    });
    const customer = await waitFor(async () => {
      const found = await get(hub, b.token, '/api/customers/lookup?type=email&value=new@example.com');
      return found.statusCode === 200 ? (found.json() as { id: string }) : null;
    });
    const timeline = (
      await get(hub, b.token, `/api/customers/${customer.id}/timeline?event=Message%20Received`)
    ).json() as { events: { properties: Json }[] };
    expect(timeline.events[0]!.properties).toMatchObject({ text: PROBE, sentiment: 'positive' });
  });

  it('goes back to the default model when the workspace model is deleted', async () => {
    const deleted = await hub.app.inject({
      method: 'DELETE',
      url: '/api/insights/sentiment/model',
      headers: as(a.token),
    });
    expect(deleted.json()).toEqual({ model: 'default', deleted: true });
    expect((await sentimentOf(a.token, PROBE)).label).toBe('negative');
    expect((await get(hub, a.token, '/api/insights/sentiment/model')).json().model).toBe('default');
    const again = await hub.app.inject({
      method: 'DELETE',
      url: '/api/insights/sentiment/model',
      headers: as(a.token),
    });
    expect(again.json()).toEqual({ model: 'default', deleted: false });
  });

  it('refuses too few examples (422), a label it does not know (400 naming the field) and an empty request', async () => {
    const few = await train(a.token, {
      examples: [
        ...ICE_CREAM_SHOP.filter((e) => e.label === 'positive').slice(0, 3),
        ...ICE_CREAM_SHOP.filter((e) => e.label === 'negative'),
      ],
    });
    expect(few.statusCode).toBe(422);
    expect(few.json().error).toMatchObject({
      code: 'PSK_SENTIMENT_FEW_EXAMPLES',
      details: { minimumPerLabel: 10, positives: 3, negatives: 18 },
    });
    const badLabel = await train(a.token, { examples: [{ text: 'بستنی معمولی بود', label: 'neutral' }] });
    expect(badLabel.statusCode).toBe(400);
    expect(badLabel.json().error).toMatchObject({ code: 'PSK_VALIDATION', field: 'body.examples.0.label' });
    const empty = await train(a.token, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.field).toBe('body.examples');
    expect((await get(hub, a.token, '/api/insights/sentiment/model')).json().model).toBe('default');
  });

  it('lets only owners, admins and analysts train or reset the model', async () => {
    expect((await train(agentToken, { examples: ICE_CREAM_SHOP })).statusCode).toBe(403);
    const reset = await hub.app.inject({
      method: 'DELETE',
      url: '/api/insights/sentiment/model',
      headers: as(agentToken),
    });
    expect(reset.statusCode).toBe(403);
    expect((await get(hub, agentToken, '/api/insights/sentiment/model')).statusCode).toBe(200);
  });
});
