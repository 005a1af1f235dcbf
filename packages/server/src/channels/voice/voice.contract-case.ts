// Recorded PBX bridge posts (AMI events as JSON) and the click-to-call originate request, for
// the adapter contract suite.
import { fixture, webhook, type ContractCase } from '../contract/contract-case.ts';
import { voiceAdapter, type VoiceConfig } from './voice.adapter.ts';

export const VOICE_SECRET = 'pbx-bridge-shared-secret-0123';

export function voiceEvent(name: string) {
  return webhook({
    url: '/webhooks/voice/inbox-9',
    headers: { 'content-type': 'application/json', 'X-Pishkhan-Secret': VOICE_SECRET },
    body: fixture(import.meta.url, name),
  });
}

const caller = { identifiers: [{ type: 'phone' as const, value: '+989121234567' }] };

export const voiceContractCase: ContractCase<VoiceConfig> = {
  adapter: voiceAdapter,
  config: (peerUrl) => ({ secret: VOICE_SECRET, bridgeUrl: peerUrl, originateExtension: '1001' }),
  authentication: 'shared-secret',
  credential: { in: 'header', name: 'x-pishkhan-secret' },
  inbound: [
    {
      name: 'an incoming call ringing (Newchannel)',
      request: voiceEvent('ringing.json'),
      expected: [
        {
          kind: 'call',
          callId: '1736931500.34',
          from: caller,
          to: '02191001234',
          state: 'ringing',
          at: new Date(1736931500120),
        },
      ],
    },
    {
      name: 'the call answered by a queue agent (AgentConnect)',
      request: voiceEvent('answered.json'),
      expected: [
        {
          kind: 'call',
          callId: '1736931500.34',
          from: { ...caller, name: 'Sara' },
          to: '02191001234',
          state: 'answered',
          at: new Date(1736931508000),
          agentExtension: '1001',
        },
      ],
    },
    {
      name: 'the call hung up with its duration and recording (Hangup)',
      request: voiceEvent('hangup.json'),
      expected: [
        {
          kind: 'call',
          callId: '1736931500.34',
          from: { ...caller, name: 'Sara' },
          to: '02191001234',
          state: 'hangup',
          at: new Date(1736931620500),
          durationSeconds: 112,
          recordingUrl: 'https://pbx.example.ir/recordings/2025/01/15/1736931500.34.wav',
          agentExtension: '1001',
        },
      ],
    },
  ],
  send: {
    message: {
      messageId: 'msg-09',
      threadKey: '+989121234567',
      to: { type: 'phone', value: '+989121234567' },
      text: 'Call back about order 452',
      attachments: [],
    },
    request: {
      method: 'POST',
      path: '/originate',
      headers: {
        'content-type': 'application/json',
        'x-pishkhan-secret': VOICE_SECRET,
        'idempotency-key': 'msg-09',
      },
      bodyType: 'json',
      body: {
        requestId: 'msg-09',
        number: '+989121234567',
        extension: '1001',
        threadKey: '+989121234567',
        note: 'Call back about order 452',
      },
    },
    success: { status: 200, body: { callId: '1736931700.40' } },
    providerMessageId: '1736931700.40',
    errorBody: (status) => ({
      error: status === 401 ? 'bad secret' : status === 400 ? 'number not dialable' : 'AMI not connected',
    }),
  },
};
