/**
 * The shape every serial input device shares (scanners, key evaluators, RS-485 keypads): it
 * opens its port (or a link given for tests), feeds each chunk to `receive`, reports protocol
 * trouble through `onError`, and forgets partial input when its link goes.
 */
import type { Bilingual } from '../../../shared/config/text';
import { DeviceError } from './errors';
import type { ByteLink } from './link';
import { openSerialLink, type SerialTarget } from './serialLink';
import { Listeners } from './support';
import type { SupervisedDriver } from './supervisor';

export interface SerialInputOptions {
  id?: string;
  port?: SerialTarget;
  /** Open the link some other way (tests, TCP converters); default: openSerialLink(port). */
  openLink?: () => Promise<ByteLink>;
}

export abstract class SerialInputDriver implements SupervisedDriver {
  readonly id: string;
  protected readonly errors = new Listeners<[DeviceError]>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly input: SerialInputOptions,
    defaultId: string,
    noPort: (id: string) => Bilingual,
  ) {
    this.id = input.id ?? defaultId;
    if (!input.port && !input.openLink) throw new DeviceError('config', 'no-port', noPort(this.id));
  }

  /** Protocol trouble (unknown keys, garbage, incomplete codes): for the log; input goes on. */
  onError(l: (err: DeviceError) => void): () => void {
    return this.errors.add(l);
  }

  open(): Promise<ByteLink> {
    return this.input.openLink ? this.input.openLink() : openSerialLink(this.input.port!);
  }

  async attach(link: ByteLink): Promise<void> {
    this.detach();
    this.unsubscribe = link.onData((chunk) => this.receive(chunk));
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.reset();
  }

  protected abstract receive(chunk: Uint8Array): void;

  /** Forget partial input (the link is gone or replaced). */
  protected reset(): void {}
}
