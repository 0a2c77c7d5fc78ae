/**
 * devices.json's `trigger` (the document camera's capture button / foot pedal): defaults, and
 * errors that name the bad field; and the config turned into the right driver.
 */
import { describe, expect, it } from 'vitest';
import { DeviceConfigError, parseDevicesConfig, TriggerSchema } from '../../electron/devices/config';
import { createTrigger, HidTrigger, SerialTrigger } from '../../electron/devices/trigger';
import { DEVICE_KINDS, DeviceEventSchema } from '../../shared/devices/contract';

const PORT = { path: '/dev/ttyUSB1' };

function errorOf(trigger: unknown): string {
  try {
    parseDevicesConfig({ trigger });
  } catch (err) {
    expect(err).toBeInstanceOf(DeviceConfigError);
    return (err as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('devices.json: trigger', () => {
  it('is optional', () => {
    expect(parseDevicesConfig({}).trigger).toBeUndefined();
  });

  it('serial: defaults (id "trigger", 9600 baud, debounce 300 ms, any byte but CR/LF)', () => {
    expect(parseDevicesConfig({ trigger: { type: 'serial', port: PORT } }).trigger).toEqual({
      id: 'trigger',
      type: 'serial',
      port: { path: '/dev/ttyUSB1', baudRate: 9600 },
      debounceMs: 300,
    });
  });

  it('serial: press bytes as hex, or a line; a port found by USB id', () => {
    expect(TriggerSchema.parse({ type: 'serial', port: PORT, bytes: ['01', '0x20', 'Ff'], debounceMs: 150 })).toMatchObject({ bytes: ['01', '0x20', 'Ff'], debounceMs: 150 });
    expect(TriggerSchema.parse({ id: 'pedal', type: 'serial', port: { vendorId: '0x1a86', productId: '7523', baudRate: 115200 }, line: 'KEY1' })).toMatchObject({
      id: 'pedal',
      line: 'KEY1',
      port: { vendorId: '0x1a86', baudRate: 115200 },
    });
  });

  it('hid: defaults (reports "state", debounce 300 ms, no mask)', () => {
    expect(TriggerSchema.parse({ type: 'hid', vendorId: '0x1a2b' })).toEqual({ id: 'trigger', type: 'hid', vendorId: '0x1a2b', reports: 'state', debounceMs: 300 });
    expect(TriggerSchema.parse({ type: 'hid', vendorId: '1a2b', productId: '0001', usagePage: '0xff00', mask: ['00', '01'], reports: 'press', debounceMs: 0 })).toMatchObject({
      mask: ['00', '01'],
      reports: 'press',
      debounceMs: 0,
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['an unknown type', { type: 'usb' }, /trigger\.type: .*'serial' \| 'hid'/],
    ['a serial trigger without a port', { type: 'serial' }, /trigger\.port: /],
    ['a port with neither path nor USB id', { type: 'serial', port: { baudRate: 9600 } }, /trigger\.port: give the port a path/],
    ['a bad baud rate', { type: 'serial', port: { path: '/dev/ttyS0', baudRate: -1 } }, /trigger\.port\.baudRate: /],
    ['a press byte that is not hex', { type: 'serial', port: PORT, bytes: ['01', 'zz'] }, /trigger\.bytes\.1: a hex byte such as "0d"/],
    ['a press byte too big for a byte', { type: 'serial', port: PORT, bytes: ['100'] }, /trigger\.bytes\.0: a hex byte/],
    ['an empty list of press bytes', { type: 'serial', port: PORT, bytes: [] }, /trigger\.bytes: list at least one byte/],
    ['both bytes and line', { type: 'serial', port: PORT, bytes: ['01'], line: 'KEY1' }, /trigger\.line: give either "bytes" or "line", not both/],
    ['a line with its CRLF in it', { type: 'serial', port: PORT, line: 'KEY1\r\n' }, /trigger\.line: printable ASCII text without CR\/LF/],
    ['an empty line', { type: 'serial', port: PORT, line: '' }, /trigger\.line: /],
    ['a negative debounce', { type: 'serial', port: PORT, debounceMs: -5 }, /trigger\.debounceMs: /],
    ['a debounce that is not a whole number', { type: 'serial', port: PORT, debounceMs: 2.5 }, /trigger\.debounceMs: /],
    ['a debounce of minutes', { type: 'serial', port: PORT, debounceMs: 60_000 }, /trigger\.debounceMs: /],
    ['a misspelt field', { type: 'serial', port: PORT, debounce: 100 }, /trigger: .*debounce/],
    ['a HID trigger without vendorId', { type: 'hid', productId: '0001' }, /trigger\.vendorId: required: the USB vendor id/],
    ['a vendorId that is not hex', { type: 'hid', vendorId: 'acme' }, /trigger\.vendorId: a hex number/],
    ['a mask byte that is not hex', { type: 'hid', vendorId: '1a2b', mask: ['00', '1x'] }, /trigger\.mask\.1: a hex byte/],
    ['an unknown report style', { type: 'hid', vendorId: '1a2b', reports: 'toggle' }, /trigger\.reports: /],
    ['serial fields on a HID trigger', { type: 'hid', vendorId: '1a2b', line: 'KEY1' }, /trigger: .*line/],
  ])('refuses %s, naming the field', (_what, trigger, message) => {
    const m = errorOf(trigger);
    expect(m).toMatch(/^device configuration devices\.json: /);
    expect(m).toMatch(message);
  });

  it('a bad trigger does not hide the rest of the file: other bad fields are named too', () => {
    const m = (() => {
      try {
        parseDevicesConfig({ trigger: { type: 'serial', port: PORT, debounceMs: -1 }, led: { port: PORT, frame: 'nope' } });
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(m).toMatch(/trigger\.debounceMs/);
    expect(m).toMatch(/led\.frame/);
  });

  it('becomes the right driver', () => {
    expect(createTrigger(TriggerSchema.parse({ type: 'serial', port: PORT, bytes: ['0x01'] }))).toBeInstanceOf(SerialTrigger);
    const hid = createTrigger(TriggerSchema.parse({ id: 'pedal', type: 'hid', vendorId: '0x1a2b' }));
    expect(hid).toBeInstanceOf(HidTrigger);
    expect(hid.id).toBe('pedal');
  });

  it('the contract knows the trigger and its event', () => {
    expect(DEVICE_KINDS).toContain('trigger');
    expect(DeviceEventSchema.parse({ type: 'capture-button', deviceId: 'pedal' })).toEqual({ type: 'capture-button', deviceId: 'pedal' });
    expect(DeviceEventSchema.safeParse({ type: 'capture-button' }).success).toBe(false);
  });
});
