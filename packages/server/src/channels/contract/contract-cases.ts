// Every registered adapter's contract case. Typed by the registry, so an adapter added there
// without recorded payloads here does not compile.
import { apiContractCase } from '../api/api.contract-case.ts';
import { baleContractCase } from '../bale/bale.contract-case.ts';
import { instagramContractCase } from '../instagram/instagram.contract-case.ts';
import { messengerContractCase } from '../messenger/messenger.contract-case.ts';
import type { ChannelConfigOf, RegisteredChannelKind } from '../registry.ts';
import { kavenegarContractCase } from '../sms/kavenegar/kavenegar.contract-case.ts';
import { twilioContractCase } from '../sms/twilio/twilio.contract-case.ts';
import { telegramContractCase } from '../telegram/telegram.contract-case.ts';
import { voiceContractCase } from '../voice/voice.contract-case.ts';
import { whatsappContractCase } from '../whatsapp/whatsapp.contract-case.ts';
import { xContractCase } from '../x/x.contract-case.ts';
import type { ContractCase } from './contract-case.ts';

export const contractCases: { [K in RegisteredChannelKind]: ContractCase<ChannelConfigOf<K>> } = {
  sms_twilio: twilioContractCase,
  sms_kavenegar: kavenegarContractCase,
  whatsapp: whatsappContractCase,
  instagram: instagramContractCase,
  messenger: messengerContractCase,
  telegram: telegramContractCase,
  bale: baleContractCase,
  x: xContractCase,
  voice: voiceContractCase,
  api: apiContractCase,
};
