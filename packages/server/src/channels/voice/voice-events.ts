// PBX call events as an AMI/ARI bridge for Asterisk or Issabel posts them: the AMI event's own
// fields (Event, Uniqueid, Linkedid, CallerIDNum, Exten, …), as JSON or as a form, plus what the
// bridge adds (Duration, RecordingUrl, AgentExtension). Field names are matched case-insensitively
// because AMI spells them inconsistently (Uniqueid, UniqueID).
import type { Identifier } from '../../core/identifiers.ts';
import { normalizePhone } from '../../core/identifiers.ts';
import type { Inbound } from '../channel-adapter.ts';
import { fromEpoch } from '../inbound.ts';

export type CallState = Extract<Inbound, { kind: 'call' }>['state'];

export type VoiceFields = Record<string, string>;

export function lowerCaseKeys(raw: Record<string, unknown>): VoiceFields {
  const fields: VoiceFields = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string' || typeof value === 'number') fields[key.toLowerCase()] = String(value);
  }
  return fields;
}

/** Which AMI events mean what; every other event (Newstate, VarSet…) is not a call state. */
export function callStateOf(fields: VoiceFields): CallState | null {
  switch ((fields['event'] ?? '').toLowerCase()) {
    case 'newchannel':
    case 'dial':
    case 'dialbegin':
    case 'agentcalled':
      return 'ringing';
    case 'bridge':
    case 'bridgeenter':
    case 'agentconnect':
      return 'answered';
    case 'dialend':
      // DialEnd also reports BUSY, NOANSWER, CANCEL: only an answer changes the call's state.
      return (fields['dialstatus'] ?? '').toUpperCase() === 'ANSWER' ? 'answered' : null;
    case 'hangup':
    case 'cdr':
      return 'hangup';
    default:
      return null;
  }
}

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' || /^(<unknown>|unknown|anonymous)$/i.test(trimmed)
    ? undefined
    : trimmed;
}

/** `PJSIP/1001-0000002a` or `SIP/1001` → `1001`. */
function extensionOfInterface(value: string | undefined): string | undefined {
  return value === undefined ? undefined : /\/(\w+)/.exec(value)?.[1];
}

function callerIdentifiers(number: string | undefined, callId: string): Identifier[] {
  // Withheld numbers are one unknown person per call, never one shared "anonymous" customer.
  if (number === undefined) return [{ type: 'voice', value: `anonymous:${callId}` }];
  const phone = normalizePhone(number);
  return phone === null ? [{ type: 'voice', value: number }] : [{ type: 'phone', value: phone }];
}

function timeOf(fields: VoiceFields, fallback: Date): Date {
  const stamp = fields['timestamp'];
  if (stamp === undefined || stamp === '') return fallback;
  if (/^\d+(\.\d+)?$/.test(stamp)) return fromEpoch(Math.round(Number(stamp) * 1000));
  const parsed = Date.parse(stamp);
  return Number.isNaN(parsed) ? fallback : new Date(parsed);
}

export function readVoiceEvent(
  fields: VoiceFields,
  isExtension: (n: string) => boolean,
  now: Date,
): Inbound | null {
  const state = callStateOf(fields);
  // Linkedid ties every leg of one call together; a lone channel only has its Uniqueid.
  const callId = present(fields['linkedid']) ?? present(fields['uniqueid']);
  if (state === null || callId === undefined) return null;
  const caller = present(fields['calleridnum']);
  const called =
    present(fields['destexten']) ??
    present(fields['exten']) ??
    present(fields['destcalleridnum']) ??
    present(fields['connectedlinenum']);
  // The agent's channel names their extension (PJSIP/1001-…); a trunk channel names no one.
  const explicitAgent =
    present(fields['agentextension']) ??
    [fields['interface'], fields['destchannel']]
      .map((channel) => extensionOfInterface(present(channel)))
      .find((extension) => extension !== undefined && isExtension(extension));
  // An agent dialling out is the caller; the customer is then the number they called.
  const outgoing =
    caller !== undefined && isExtension(caller) && called !== undefined && !isExtension(called);
  const customer = outgoing ? called : caller;
  const agent = outgoing
    ? caller
    : (explicitAgent ?? (called !== undefined && isExtension(called) ? called : undefined));
  const name = outgoing ? undefined : present(fields['calleridname']);
  const duration = Number(present(fields['billableseconds']) ?? present(fields['duration']) ?? Number.NaN);
  const recordingUrl = present(fields['recordingurl'] ?? fields['recording_url']);
  // `to` is what was dialled: the DID or extension of an incoming call, the number of an outgoing one.
  const to = called;
  return {
    kind: 'call',
    callId,
    from: { identifiers: callerIdentifiers(customer, callId), ...(name !== undefined ? { name } : {}) },
    ...(to !== undefined ? { to } : {}),
    state,
    at: timeOf(fields, now),
    ...(Number.isFinite(duration) ? { durationSeconds: duration } : {}),
    ...(recordingUrl !== undefined ? { recordingUrl } : {}),
    ...(agent !== undefined ? { agentExtension: agent } : {}),
  };
}
