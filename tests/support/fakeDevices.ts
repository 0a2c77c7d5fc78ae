/** An in-memory DeviceApi for tests of the transports and screens. */
import type { DeviceApi, DeviceEvent, DeviceHealth, PrintResult, TicketPrint } from '../../shared/devices/contract';

export class FakeDevices implements DeviceApi {
  printed: TicketPrint[] = [];
  led: string[] = [];
  prompts: boolean[] = [];
  nextPrint: PrintResult = { ok: true, warnings: [] };
  private readonly listeners = new Set<(e: DeviceEvent) => void>();
  healthRows: DeviceHealth[] = [
    { id: 'printer', kind: 'printer', state: 'ok', message: { zh: '设备正常', en: 'working' }, since: 0 },
  ];

  async health(): Promise<DeviceHealth[]> {
    return this.healthRows;
  }
  async printTicket(t: TicketPrint): Promise<PrintResult> {
    this.printed.push(t);
    return this.nextPrint;
  }
  async showOnLed(text: string): Promise<void> {
    this.led.push(text);
  }
  async evaluatorPrompt(active: boolean): Promise<void> {
    this.prompts.push(active);
  }
  subscribe(l: (e: DeviceEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  emit(e: DeviceEvent): void {
    for (const l of this.listeners) l(e);
  }
  get subscribers(): number {
    return this.listeners.size;
  }
}
