/**
 * Plain words for citizens (issue 17: "printing is not available: the device host closed the
 * connection" reached a citizen). A refusal whose message was written for staff or support (the
 * server's answer, a sync state, a permission) becomes what the citizen can do; its technical
 * cause goes to the log (console), never to the screen. Refusals written for citizens (the
 * schedule, per-person limits, appointments) pass unchanged.
 */
import type { Bilingual } from '../../shared/config/text';

export const CITIZEN_CANNOT_ISSUE: Bilingual = {
  zh: '本机暂时不能取号，请到其他取号机或咨询导办人员。',
  en: 'This kiosk cannot issue tickets right now. Please use another kiosk or ask the help desk staff.',
};

export const CITIZEN_NETWORK_DOWN: Bilingual = {
  zh: '网络暂时中断，本机暂不能取号，请到其他取号机或咨询导办人员。',
  en: 'The network is down, so this kiosk cannot issue tickets right now. Please use another kiosk or ask the help desk staff.',
};

/** Refusal codes whose message is technical (renderer/sync/coordinator.ts IssueFailure). */
const TECHNICAL: Record<string, Bilingual> = {
  'server-refused': CITIZEN_CANNOT_ISSUE,
  'not-allowed': CITIZEN_CANNOT_ISSUE,
  'not-caught-up': CITIZEN_NETWORK_DOWN,
  'no-offline-series': CITIZEN_NETWORK_DOWN,
};

/** What the citizen reads for a refusal with `code`; a technical message is logged instead. */
export function citizenRefusal(code: string, message: Bilingual, log: (line: string) => void = (l) => console.warn(l)): Bilingual {
  const plain = TECHNICAL[code];
  if (!plain) return message;
  log(`hallq kiosk: no ticket (${code}): ${message.en}`);
  return plain;
}
