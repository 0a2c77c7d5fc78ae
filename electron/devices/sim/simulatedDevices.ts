/**
 * A whole terminal's devices, simulated on real pseudo-terminals: a card reader, a printer,
 * a serial scanner, an evaluator keypad, a window LED strip and the document camera's foot
 * pedal (a serial trigger sending "KEY1\r\n"), each simulator on the peer end
 * of a socat pair and the drivers configured on the device ends. Used by the integration tests
 * and by web mode's simulated devices.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDevicesConfig, type DevicesConfig } from '../config';
import { resolveLedFrame } from '../led/frame';
import { CardReaderSim } from './cardReaderSim';
import { EvaluatorSim } from './evaluatorSim';
import { LedSim } from './ledSim';
import { PrinterSim, serveSimOnPty } from './printerSim';
import { openPtyPair, type PtyPair } from './ptyPair';
import { ScannerSim } from './scannerSim';
import { TriggerSim } from './triggerSim';

export interface SimulatedDevices {
  config: DevicesConfig;
  card: CardReaderSim;
  printer: PrinterSim;
  scanner: ScannerSim;
  evaluator: EvaluatorSim;
  led: LedSim;
  /** The document camera's foot pedal: `press()` → DeviceEvent 'capture-button'. */
  trigger: TriggerSim;
  /** Evaluator keys as this config maps them: '1'..'5' (0x31..0x35) for levels 5..1. */
  keyFor(level: 1 | 2 | 3 | 4 | 5): number;
  /** Pull the device's cable: its pty pair vanishes (the driver sees it missing and keeps retrying). */
  unplug(device: 'printer' | 'card'): Promise<void>;
  /** Plug it back in at the same path (the driver reconnects on its next try). */
  plugIn(device: 'printer' | 'card'): Promise<void>;
  stop(): Promise<void>;
}

const LED_ADDRESS = 1;
const PEDAL_LINE = 'KEY1';

export async function startSimulatedDevices(dir = mkdtempSync(join(tmpdir(), 'hallq-devices-'))): Promise<SimulatedDevices> {
  const pairs: PtyPair[] = [];
  const dirs = new Map<string, string>();
  const pair = async (name: string) => {
    const d = dirs.get(name) ?? mkdtempSync(join(dir, `${name}-`));
    dirs.set(name, d);
    const p = await openPtyPair(d);
    pairs.push(p);
    return p;
  };
  const [cardPair, printerPair, scannerPair, evalPair, ledPair, triggerPair] = [
    await pair('card'),
    await pair('printer'),
    await pair('scanner'),
    await pair('evaluator'),
    await pair('led'),
    await pair('trigger'),
  ];
  const config = parseDevicesConfig({
    cardReader: { port: { path: cardPair.device }, pollMs: 300 },
    printer: { transport: { type: 'serial', port: { path: printerPair.device, baudRate: 115200 } }, widthDots: 576 },
    scanners: [{ type: 'serial', port: { path: scannerPair.device }, suffix: 'cr' }],
    evaluator: { type: 'serial-key', port: { path: evalPair.device }, keymap: { '31': 5, '32': 4, '33': 3, '34': 2, '35': 1 } },
    led: { port: { path: ledPair.device }, frame: 'sum-3a-0a', address: LED_ADDRESS },
    trigger: { id: 'pedal', type: 'serial', port: { path: triggerPair.device }, line: PEDAL_LINE },
  });
  const card = await CardReaderSim.open(cardPair.peer);
  const printer = new PrinterSim();
  let printerServer = await serveSimOnPty(printer, printerPair.peer, 115200);
  const plugged = { printer: printerPair, card: cardPair } as Record<'printer' | 'card', PtyPair | undefined>;
  const scanner = await ScannerSim.open(scannerPair.peer);
  const evaluator = await EvaluatorSim.open(evalPair.peer);
  const led = await LedSim.open(ledPair.peer, resolveLedFrame('sum-3a-0a', LED_ADDRESS));
  const trigger = await TriggerSim.open(triggerPair.peer, { line: PEDAL_LINE });
  return {
    config,
    card,
    printer,
    scanner,
    evaluator,
    led,
    trigger,
    keyFor: (level) => 0x30 + (6 - level),
    async unplug(device) {
      const p = plugged[device];
      if (!p) return;
      plugged[device] = undefined;
      if (device === 'printer') await printerServer.close().catch(() => {});
      else await card.close().catch(() => {});
      await p.kill();
    },
    async plugIn(device) {
      if (plugged[device]) return;
      const p = await pair(device);
      plugged[device] = p;
      if (device === 'printer') printerServer = await serveSimOnPty(printer, p.peer, 115200);
      else await card.connect(p.peer);
    },
    async stop() {
      await Promise.all([card.close(), printerServer.close(), scanner.close(), evaluator.close(), led.close(), trigger.close()].map((p) => p.catch(() => {})));
      await Promise.all(pairs.map((p) => p.kill()));
    },
  };
}
