/**
 * What a device's health means for the hall, in one place: how bad it is (fault: the device
 * cannot do its job; warning: it works but needs a hand soon, e.g. the paper is nearly used up),
 * a short code for the log, and plain words the hall manager acts on ("打印纸用完了，请更换纸卷").
 * The driver's technical message (bytes, timeouts, ports) stays in the event's `message` detail,
 * for support; the words here never quote it.
 */
import type { Bilingual } from '../config/text';
import type { DeviceHealth, DeviceKind } from './contract';

/** The devices the hall's log knows (device.fault's `device`). */
export const LOGGED_DEVICES = ['printer', 'card-reader', 'scanner', 'evaluator', 'led', 'camera'] as const;
export type LoggedDevice = (typeof LOGGED_DEVICES)[number];

/** The pedal or button is the document camera's: its fault shows under the camera. */
export const LOGGED_DEVICE_OF: Record<DeviceKind, LoggedDevice> = {
  'card-reader': 'card-reader',
  printer: 'printer',
  scanner: 'scanner',
  evaluator: 'evaluator',
  led: 'led',
  trigger: 'camera',
};

export type DeviceSeverity = 'fault' | 'warning';

export interface DeviceCondition {
  severity: DeviceSeverity | 'ok';
  /** 'missing' for a device that is not there or does not answer; else the driver's code. */
  code: string;
  /** For the hall manager: what is wrong and what to do. Absent when ok. */
  words?: Bilingual;
}

export const DEVICE_NAMES: Record<LoggedDevice, Bilingual> = {
  printer: { zh: '打印机', en: 'printer' },
  'card-reader': { zh: '身份证读卡器', en: 'ID card reader' },
  scanner: { zh: '扫码器', en: 'scanner' },
  evaluator: { zh: '评价器', en: 'evaluator' },
  led: { zh: '窗口屏', en: 'window LED strip' },
  camera: { zh: '高拍仪', en: 'document camera' },
};

/** Codes of a device that still works but needs attention soon. */
const WARNING_CODES = new Set(['paper-near-end', 'unconfirmed']);

/** Codes that mean "the device is not there / does not answer" whatever the state says. */
const MISSING_CODES = new Set(['device-host', 'not-found', 'disconnected', 'not-attached', 'open-failed', 'connect-failed', 'connect-timeout', 'closed', 'no-heartbeat', 'status-timeout', 'no-status', 'native-missing', 'no-permission', 'port-in-use']);

const PRINTER_WORDS: Record<string, Bilingual> = {
  'paper-out': { zh: '打印纸用完了，请更换纸卷', en: 'Out of paper: load a new roll' },
  'paper-near-end': { zh: '打印纸快用完了，请准备更换纸卷', en: 'Paper nearly used up: have a new roll ready' },
  'cover-open': { zh: '打印机盖没有关好，请合上', en: 'Printer cover open: close it' },
  'cutter-error': { zh: '打印机切纸刀卡住，请检查', en: 'Paper cutter jammed: check it' },
  'unrecoverable-error': { zh: '打印机坏了，请联系维修', en: 'Printer broken: call maintenance' },
  'recoverable-error': { zh: '打印机暂时故障（如过热），一般会自行恢复', en: 'Printer briefly faulty (e.g. too hot); it usually recovers' },
  'printer-error': { zh: '打印机报告故障，请检查', en: 'Printer reports an error: check it' },
  offline: { zh: '打印机暂停工作（如按住了走纸键），请检查', en: 'Printer paused (e.g. feed button held): check it' },
  unconfirmed: { zh: '打印机不回报状态，无法确认号票是否打出', en: 'Printer reports no status: printed tickets are not confirmed' },
};

const MISSING_WORDS: Record<LoggedDevice, Bilingual> = {
  printer: { zh: '打印机未连接或没有响应，请检查电源和数据线；取号机改发电子号票', en: 'Printer not connected or not answering: check power and cable; the kiosk gives e-tickets meanwhile' },
  'card-reader': { zh: '身份证读卡器未连接或没有响应，请检查电源和数据线', en: 'ID card reader not connected or not answering: check power and cable' },
  scanner: { zh: '扫码器未连接或没有响应，请检查数据线', en: 'Scanner not connected or not answering: check the cable' },
  evaluator: { zh: '评价器未连接或没有响应，请检查数据线', en: 'Evaluator not connected or not answering: check the cable' },
  led: { zh: '窗口屏未连接或没有响应，请检查电源和数据线', en: 'Window LED strip not connected or not answering: check power and cable' },
  camera: { zh: '高拍仪脚踏未连接或没有响应，请检查数据线', en: 'Document camera pedal not connected or not answering: check the cable' },
};

const FAULT_WORDS: Record<LoggedDevice, Bilingual> = {
  printer: { zh: '打印机故障，请检查；取号机改发电子号票', en: 'Printer fault: check it; the kiosk gives e-tickets meanwhile' },
  'card-reader': { zh: '身份证读卡器故障，请重新插拔或联系维修；群众仍可手工选择业务取号', en: 'ID card reader fault: replug it or call maintenance; citizens can still choose a service by hand' },
  scanner: { zh: '扫码器故障，请检查', en: 'Scanner fault: check it' },
  evaluator: { zh: '评价器故障，请检查', en: 'Evaluator fault: check it' },
  led: { zh: '窗口屏故障，请检查；大屏仍显示叫号', en: 'Window LED strip fault: check it; the hall board still shows calls' },
  camera: { zh: '高拍仪脚踏故障，请检查', en: 'Document camera pedal fault: check it' },
};

/** The condition a health report shows, or undefined while it says nothing yet (connecting, disabled). */
export function deviceCondition(h: Pick<DeviceHealth, 'kind' | 'state' | 'code'>): DeviceCondition | undefined {
  if (h.state === 'connecting' || h.state === 'disabled') return undefined;
  const device = LOGGED_DEVICE_OF[h.kind];
  const code = h.code ?? h.state;
  if (h.state === 'ok') {
    if (h.code && WARNING_CODES.has(h.code)) return { severity: 'warning', code: h.code, words: wordsFor(device, h.code, 'warning') };
    return { severity: 'ok', code: 'ok' };
  }
  if (h.state === 'missing' || MISSING_CODES.has(code)) return { severity: 'fault', code: 'missing', words: MISSING_WORDS[device] };
  return { severity: 'fault', code, words: wordsFor(device, code, 'fault') };
}

/** Plain words for a device and code (also for events written before words were recorded). */
export function wordsFor(device: string, code: string | undefined, severity: DeviceSeverity): Bilingual {
  const d = (LOGGED_DEVICES as readonly string[]).includes(device) ? (device as LoggedDevice) : undefined;
  if (d === 'printer' && code && PRINTER_WORDS[code]) return PRINTER_WORDS[code];
  if (d && code === 'missing') return MISSING_WORDS[d];
  if (d && severity === 'fault') return FAULT_WORDS[d];
  const name = d ? DEVICE_NAMES[d] : { zh: device, en: device };
  return severity === 'warning' ? { zh: `${name.zh}需要检查`, en: `${cap(name.en)} needs a check` } : { zh: `${name.zh}故障，请检查`, en: `${cap(name.en)} fault: check it` };
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Which devices a terminal of this role is responsible for (web mode shares one device host). */
export const DEVICES_OF_ROLE: Record<string, readonly LoggedDevice[]> = {
  kiosk: ['printer', 'card-reader', 'scanner'],
  counter: ['card-reader', 'scanner', 'led', 'camera'],
  evaluator: ['evaluator'],
};
