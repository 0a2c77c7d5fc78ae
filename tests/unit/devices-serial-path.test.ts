import { afterEach, describe, expect, it } from 'vitest';
import { nativeOverrides } from '../../electron/devices/common/native';
import { platformPath, resolveSerialPath } from '../../electron/devices/common/serialLink';
import { serialTarget } from '../../electron/devices/common/support';
import { SerialPortSchema } from '../../electron/devices/config';

const fakeSerialport = (ports: Array<{ path: string; vendorId?: string; productId?: string; serialNumber?: string }>) => ({
  SerialPort: { list: async () => ports },
});

afterEach(() => nativeOverrides.delete('serialport'));

describe('finding a serial device again after re-plugging', () => {
  it('a USB id configured as "0x1A86" finds the port serialport lists as "1a86"', async () => {
    nativeOverrides.set('serialport', fakeSerialport([{ path: '/dev/ttyUSB3', vendorId: '1a86', productId: '7523', serialNumber: 'A1' }]));
    const target = serialTarget(SerialPortSchema.parse({ vendorId: '0x1A86', productId: '0x7523' }));
    expect(await resolveSerialPath(target)).toBe('/dev/ttyUSB3');
  });

  it('the serial number tells two identical adapters apart', async () => {
    nativeOverrides.set('serialport', fakeSerialport([
      { path: '/dev/ttyUSB0', vendorId: '1a86', productId: '7523', serialNumber: 'A1' },
      { path: '/dev/ttyUSB1', vendorId: '1a86', productId: '7523', serialNumber: 'B2' },
    ]));
    expect(await resolveSerialPath({ vendorId: '1a86', productId: '7523', serialNumber: 'B2', baudRate: 9600 })).toBe('/dev/ttyUSB1');
  });

  it('a device that is not plugged in is "unavailable", with a message for people', async () => {
    nativeOverrides.set('serialport', fakeSerialport([]));
    await expect(resolveSerialPath({ vendorId: '0x1a86', baudRate: 9600 })).rejects.toMatchObject({ kind: 'unavailable', code: 'not-found' });
  });

  it('Windows COM10 and above are spelled \\\\.\\COM10', () => {
    expect(platformPath('COM10', 'win32')).toBe('\\\\.\\COM10');
    expect(platformPath('COM3', 'win32')).toBe('COM3');
    expect(platformPath('/dev/ttyUSB0', 'linux')).toBe('/dev/ttyUSB0');
  });
});
