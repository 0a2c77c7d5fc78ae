/**
 * The ticket kiosk (取号机): for citizens, many elderly, some foreign. One session at a time
 * (store.ts); taps, ID cards and booking QR codes go through the controller (controller.ts).
 */
import { useCallback, useEffect, useMemo } from 'react';
import type { DeviceEvent } from '../../shared/devices/contract';
import { StatusBanner } from '../app/StatusBanner';
import { useDeviceEvents, useHall, useTerminal } from '../app/context';
import { bindWedge } from '../devices/wedgeDom';
import { Bi } from '../i18n/Bi';
import { useLang } from '../i18n/lang';
import { Attract } from './Attract';
import { Checkin } from './Checkin';
import { Confirm } from './Confirm';
import { KioskContext, useController } from './context';
import { KioskController } from './controller';
import { GuideOverlay, RefusalDialog } from './Dialogs';
import { Header } from './Header';
import { PhoneIcon } from './Icons';
import { Services } from './Services';
import { hotlineText } from '../../shared/config/hotline';
import { kioskStore, resetDue, useKiosk } from './store';
import { ETicket, Printing, Ticket } from './TicketScreens';

const OFFLINE_NOTE = { zh: '仍可正常取号（离线号）', en: 'tickets can still be taken (offline numbers)' };

export function KioskApp() {
  const { terminal, devices, params } = useTerminal();
  const controller = useMemo(
    () =>
      new KioskController(
        {
          issue: (input) => terminal.coordinator.issueTicket(input),
          voidTicket: (ticketId) => terminal.local.author('ticket.voided', { ticketId, reason: 'print-failed' }),
          print: (t) => devices.printTicket(t),
          state: () => terminal.local.state,
          now: () => terminal.local.now(),
          progressBase: params.servers[0] ?? location.origin,
          resetLang: () => useLang.getState().setLang('zh'),
        },
        kioskStore,
      ),
    [terminal, devices, params],
  );
  useInputs(controller);
  const screen = useKiosk((s) => s.screen);
  const elderly = useKiosk((s) => s.elderly);
  const lang = useLang((s) => s.lang);

  return (
    <KioskContext.Provider value={controller}>
      <div className={`kiosk${elderly ? ' elderly' : ''}`} data-screen={screen} data-lang={lang} data-elderly={elderly ? '1' : '0'}>
        <StatusBanner offlineNote={OFFLINE_NOTE} />
        <Header />
        <main className="k-main">
          {screen === 'attract' ? <Attract /> : null}
          {screen === 'services' ? <Services /> : null}
          {screen === 'confirm' ? <Confirm /> : null}
          {screen === 'checkin' ? <Checkin /> : null}
          {screen === 'printing' ? <Printing /> : null}
          {screen === 'ticket' ? <Ticket /> : null}
          {screen === 'eticket' ? <ETicket /> : null}
        </main>
        <Footer />
        <GuideOverlay />
        <RefusalDialog />
      </div>
    </KioskContext.Provider>
  );
}

function Footer() {
  const controller = useController();
  const { state } = useHall();
  const screen = useKiosk((s) => s.screen);
  const busy = useKiosk((s) => s.busy);
  const showHome = screen === 'services' || screen === 'confirm' || screen === 'checkin';
  // The attract screen shows the hotline big (R20).
  if (screen === 'attract') return null;
  return (
    <footer className="k-footer">
      <div className="hotline" data-testid="hotline">
        <PhoneIcon size={36} />
        <Bi t={hotlineText(state.config.policy.hotline)} />
      </div>
      {showHome ? (
        <button type="button" className="home-btn" data-testid="home" disabled={busy} onClick={() => controller.done()}>
          <Bi t={{ zh: '返回首页', en: 'Start over' }} />
        </button>
      ) : null}
    </footer>
  );
}

/** Cards, scans (device or keyboard wedge), touches, and the idle reset. */
function useInputs(controller: KioskController): void {
  const { terminal } = useTerminal();
  const touch = kioskStore.getState().touch;

  const onDevice = useCallback(
    (e: DeviceEvent) => {
      if (e.type === 'card') {
        touch(Date.now());
        void controller.card(e.card);
      } else if (e.type === 'scan') {
        touch(Date.now());
        void controller.scan(e.scan.text);
      }
    },
    [controller, touch],
  );
  useDeviceEvents(onDevice);

  useEffect(
    () =>
      bindWedge({
        onScan: (scan) => {
          touch(Date.now());
          void controller.scan(scan.text);
        },
      }),
    [controller, touch],
  );

  useEffect(() => {
    const onTouch = () => touch(Date.now());
    window.addEventListener('pointerdown', onTouch, true);
    window.addEventListener('keydown', onTouch, true);
    const idle = setInterval(() => {
      const idleSeconds = terminal.local.state.config.policy.kioskIdleSeconds;
      if (resetDue(kioskStore.getState(), useLang.getState().lang, Date.now(), idleSeconds)) controller.done();
    }, 1_000);
    return () => {
      window.removeEventListener('pointerdown', onTouch, true);
      window.removeEventListener('keydown', onTouch, true);
      clearInterval(idle);
    };
  }, [controller, terminal, touch]);
}
