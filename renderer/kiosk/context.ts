/** The running kiosk's controller, for the screens' buttons. */
import { createContext, useContext } from 'react';
import type { KioskController } from './controller';

export const KioskContext = createContext<KioskController | null>(null);

export function useController(): KioskController {
  const c = useContext(KioskContext);
  if (!c) throw new Error('useController outside the kiosk');
  return c;
}
