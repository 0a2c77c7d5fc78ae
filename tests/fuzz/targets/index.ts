/** Every fuzz target: the framers and parsers, then the drivers through a fake link. */
import type { FuzzTarget } from '../engine';
import { cardDriver, cardSupervised } from './cardReader';
import { FRAMER_TARGETS } from './framers';
import { INPUT_TARGETS } from './inputs';
import { ledStrip } from './ledStrip';
import { printerDriver, printerService } from './printer';
import { wire } from './wire';

export const TARGETS: FuzzTarget[] = [...FRAMER_TARGETS, wire, cardDriver, cardSupervised, printerDriver, printerService, ...INPUT_TARGETS, ledStrip];
