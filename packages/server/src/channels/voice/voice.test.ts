import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formEncode, RECEIVED_AT, webhook } from '../contract/contract-case.ts';
import { startHttpPeer, type HttpPeer } from '../contract/http-peer.ts';
import { VoiceConfig, voiceAdapter } from './voice.adapter.ts';
import { VOICE_SECRET } from './voice.contract-case.ts';

let peer: HttpPeer;
beforeAll(async () => {
  peer = await startHttpPeer();
});
afterAll(() => peer.close());

const config = VoiceConfig.parse({ secret: VOICE_SECRET });

function form(fields: Record<string, string>) {
  return webhook({
    url: '/webhooks/voice/inbox-9',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-pishkhan-secret': VOICE_SECRET },
    body: formEncode(fields),
  });
}

describe('the voice (PBX) adapter', () => {
  it('reads an agent’s outgoing call with the called number as the customer', () => {
    const [item] = voiceAdapter
      .parse(
        form({
          Event: 'DialBegin',
          Uniqueid: '17.1',
          Linkedid: '17.1',
          CallerIDNum: '1002',
          DestExten: '09351112233',
        }),
        config,
      )
      ._unsafeUnwrap();
    expect(item).toEqual({
      kind: 'call',
      callId: '17.1',
      from: { identifiers: [{ type: 'phone', value: '+989351112233' }] },
      to: '09351112233',
      state: 'ringing',
      at: RECEIVED_AT,
      agentExtension: '1002',
    });
  });

  it('gives a withheld number a caller of its own call, never one shared anonymous customer', () => {
    const [item] = voiceAdapter
      .parse(
        form({ Event: 'Newchannel', Uniqueid: '18.5', CallerIDNum: 'anonymous', Exten: '02191001234' }),
        config,
      )
      ._unsafeUnwrap();
    expect(item?.kind === 'call' && item.from.identifiers).toEqual([
      { type: 'voice', value: 'anonymous:18.5' },
    ]);
  });

  it('ignores AMI events that are not call states, and a DialEnd that was not answered', () => {
    const events = [
      { Event: 'Newstate', Uniqueid: '1.1', CallerIDNum: '09121234567' },
      { Event: 'DialEnd', Uniqueid: '1.1', CallerIDNum: '09121234567', DialStatus: 'NOANSWER' },
    ];
    const req = webhook({
      url: '/v',
      headers: { 'content-type': 'application/json', 'x-pishkhan-secret': VOICE_SECRET },
      body: JSON.stringify(events),
    });
    expect(voiceAdapter.parse(req, config)._unsafeUnwrap()).toEqual([]);
  });

  it('refuses to "send" a call without a bridge, with a reason an admin can act on', async () => {
    const sent = await voiceAdapter.send(
      {
        messageId: 'm',
        threadKey: 't',
        to: { type: 'phone', value: '09121234567' },
        text: '',
        attachments: [],
      },
      config,
    );
    expect(sent._unsafeUnwrapErr()).toEqual({
      type: 'permanent',
      reason: 'calls are not sent as messages; set bridgeUrl so agents can click to call through the PBX',
    });
  });

  it('asks the bridge to originate a click-to-call, with the number in E.164', async () => {
    peer.requests.length = 0;
    peer.answer(202, { callId: '1736931800.41' });
    const withBridge = VoiceConfig.parse({ secret: VOICE_SECRET, bridgeUrl: `${peer.url}/ami` });
    const sent = await voiceAdapter.send(
      {
        messageId: 'msg-1',
        threadKey: 't',
        to: { type: 'phone', value: '09121234567' },
        text: '',
        attachments: [],
      },
      withBridge,
    );
    expect(sent._unsafeUnwrap()).toEqual({ providerMessageId: '1736931800.41' });
    expect(peer.requests[0]?.path).toBe('/ami/originate');
    expect(JSON.parse(peer.requests[0]?.body ?? '{}')).toMatchObject({
      requestId: 'msg-1',
      number: '+989121234567',
    });
  });
});

describe('agent extensions of PBX channels', () => {
  it('takes the agent from an extension channel but not from a trunk', () => {
    const toAgent = voiceAdapter
      .parse(
        form({
          Event: 'DialBegin',
          Uniqueid: '2.1',
          CallerIDNum: '09121234567',
          DestChannel: 'PJSIP/1001-0000002a',
        }),
        config,
      )
      ._unsafeUnwrap()[0];
    const toTrunk = voiceAdapter
      .parse(
        form({
          Event: 'DialBegin',
          Uniqueid: '2.2',
          CallerIDNum: '09121234567',
          DestChannel: 'PJSIP/trunk-mci-0001',
        }),
        config,
      )
      ._unsafeUnwrap()[0];
    expect(toAgent?.kind === 'call' && toAgent.agentExtension).toBe('1001');
    expect(toTrunk?.kind === 'call' && toTrunk.agentExtension).toBeUndefined();
  });
});
