/**
 * Device faults for the leader on duty (R17, issue 17), from the hall's log as folded: every
 * terminal's device that is in fault (critical) or needs a hand soon (warning: paper nearly used
 * up), in plain words with how long it has lasted; the driver's technical detail rides along for
 * a tooltip, never as the headline. A device.recovered clears it.
 */
import type { Bilingual } from '../../../shared/config/text';
import { DEVICE_NAMES, wordsFor, type LoggedDevice } from '../../../shared/devices/condition';
import type { HallState } from '../../../shared/fold/state';
import { minutes } from '../../i18n/format';

export interface DeviceFaultLine {
  terminal: string;
  device: string;
  severity: 'fault' | 'warning';
  code: string;
  /** The device's name as a label ("打印机" / "Printer"). */
  name: Bilingual;
  /** What is wrong and what to do. */
  words: Bilingual;
  since: number;
  /** The driver's own message and code, for support. */
  detail: string;
}

export function deviceFaultLines(s: HallState): DeviceFaultLine[] {
  const out: DeviceFaultLine[] = [];
  for (const d of s.devices.values()) {
    if (d.ok) continue;
    const severity = d.severity ?? 'fault';
    const code = d.code ?? 'fault';
    out.push({
      terminal: d.terminal,
      device: d.device,
      severity,
      code,
      name: label(DEVICE_NAMES[d.device as LoggedDevice] ?? { zh: d.device, en: d.device }),
      words: d.words ?? wordsFor(d.device, code, severity),
      since: d.since,
      detail: [code, d.message].filter(Boolean).join(' · '),
    });
  }
  // Faults first, then the longest standing.
  return out.sort((a, b) => (a.severity === b.severity ? a.since - b.since : a.severity === 'fault' ? -1 : 1));
}

const label = (b: Bilingual): Bilingual => ({ zh: b.zh, en: b.en.charAt(0).toUpperCase() + b.en.slice(1) });

/** One alert per device: critical for a fault, warning for a warning, with how long it has lasted. */
export function deviceAlerts(s: HallState, now: number): Array<{ kind: 'device-fault'; key: string; severity: 'warning' | 'critical'; text: Bilingual }> {
  return deviceFaultLines(s).map((d) => {
    const lasted = minutes(Math.max(0, now - d.since));
    return {
      kind: 'device-fault',
      key: `device-fault:${d.terminal}/${d.device}`,
      severity: d.severity === 'fault' ? 'critical' : 'warning',
      text: {
        zh: `${d.terminal} 的${d.name.zh}${d.severity === 'fault' ? '故障' : '需要处理'}：${d.words.zh}（已 ${lasted.zh}）`,
        en: `${d.terminal}: ${DEVICE_NAMES[d.device as LoggedDevice]?.en ?? d.device} ${d.severity === 'fault' ? 'fault' : 'needs attention'}: ${d.words.en} (for ${lasted.en})`,
      },
    };
  });
}
