/**
 * The kiosk's screen state, one citizen's session at a time:
 *
 *   attract -> services -> confirm -> printing -> ticket | eticket
 *                 ^  \-> checkin (ID card with bookings today) -/
 *   a refusal is a dialog over whichever screen asked; the service guide is an overlay.
 *
 * A zustand store with plain transitions, so the flow is tested without a browser
 * (tests/unit/kiosk-store.test.ts). The idle rule (back to the attract screen, Chinese, normal
 * mode) is a pure function of the state and the clock.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { PriorityReason } from '../../shared/config/schemas';
import type { Bilingual } from '../../shared/config/text';
import type { CardRead } from '../../shared/identity/card';
import type { Lang } from '../i18n/lang';
import type { IssuedTicket } from './issueFlow';
import { ALL_CATEGORIES, type ServiceTile } from './services';
import { matchesService } from './search';

export type Screen = 'attract' | 'services' | 'confirm' | 'checkin' | 'printing' | 'ticket' | 'eticket';

export interface Refusal {
  code: string;
  message: Bilingual;
  /** What the citizen can do instead: check in a booking, or use the ID card. */
  hint?: 'appointment' | 'id-card';
}

export interface KioskData {
  screen: Screen;
  /** 大字版: larger text, fewer services per page. */
  elderly: boolean;
  category: string;
  query: string;
  keypad: boolean;
  page: number;
  /** The service on the confirm screen. */
  serviceId: string | undefined;
  /** The service whose guide (办事指南) is open over the screen. */
  guideId: string | undefined;
  /** The ID card read in this session (masked and hashed). */
  card: CardRead | undefined;
  /** R7: a special group the citizen declared themselves. */
  declared: PriorityReason | undefined;
  refusal: Refusal | undefined;
  ticket: IssuedTicket | undefined;
  printError: Bilingual | undefined;
  /** A ticket is being taken: further taps do nothing. */
  busy: boolean;
  /** Last touch, key, card or scan (ms). */
  lastTouch: number;
}

export interface KioskActions {
  touch(now: number): void;
  start(): void;
  setCategory(id: string): void;
  setQuery(q: string): void;
  toggleKeypad(): void;
  setPage(page: number): void;
  toggleElderly(): void;
  choose(serviceId: string): void;
  back(): void;
  openGuide(serviceId: string): void;
  closeGuide(): void;
  /**
   * An ID card was read; `bookings` = its holder's check-ins waiting today; `elderly`: an
   * elderly holder in a hall that turns 大字版 on for them (policy.elderlyModeByCard).
   */
  cardRead(card: CardRead, bookings: number, elderly?: boolean): void;
  declare(reason: PriorityReason | undefined): void;
  /** A ticket is being decided (the take button stops answering). */
  issuing(): boolean;
  printing(ticket: IssuedTicket): void;
  printed(ticket: IssuedTicket): void;
  eTicket(ticket: IssuedTicket, printError: Bilingual): void;
  refuse(refusal: Refusal): void;
  dismissRefusal(): void;
  /** Back to the attract screen, a new session (keeps nothing of the last citizen). */
  reset(): void;
}

export type KioskState = KioskData & KioskActions;

/**
 * Services per page: normal, and the elderly mode's fewer, bigger tiles (one column of 4 in
 * portrait; three columns of two rows in landscape, which fill the screen: issue 17).
 */
export const PAGE_SIZE = { normal: 10, elderly: 4, elderlyLandscape: 6 } as const;
/** A printed ticket's screen goes back to the start sooner than the idle time: it is in hand. */
export const TICKET_SCREEN_SECONDS = 20;

export function initialData(now = 0): KioskData {
  return {
    screen: 'attract',
    elderly: false,
    category: ALL_CATEGORIES,
    query: '',
    keypad: false,
    page: 0,
    serviceId: undefined,
    guideId: undefined,
    card: undefined,
    declared: undefined,
    refusal: undefined,
    ticket: undefined,
    printError: undefined,
    busy: false,
    lastTouch: now,
  };
}

export function createKioskStore(now = 0) {
  return createStore<KioskState>()((set, get) => ({
    ...initialData(now),
    touch: (t) => set({ lastTouch: t }),
    start: () => set((s) => (s.screen === 'attract' ? { screen: 'services' } : {})),
    setCategory: (category) => set({ category, page: 0 }),
    setQuery: (query) => set({ query: query.slice(0, 40), page: 0 }),
    toggleKeypad: () => set((s) => ({ keypad: !s.keypad })),
    setPage: (page) => set({ page: Math.max(0, page) }),
    toggleElderly: () => set((s) => ({ elderly: !s.elderly, page: 0 })),
    choose: (serviceId) => {
      if (get().busy) return;
      set({ screen: 'confirm', serviceId, guideId: undefined, declared: undefined, keypad: false });
    },
    back: () =>
      set((s) => {
        if (s.busy) return {};
        if (s.screen === 'confirm' || s.screen === 'checkin') return { screen: 'services', serviceId: undefined, declared: undefined };
        if (s.screen === 'services') return { screen: 'attract' };
        return {};
      }),
    openGuide: (guideId) => set({ guideId, keypad: false }),
    closeGuide: () => set({ guideId: undefined }),
    cardRead: (card, bookings, elderly) =>
      set((s) => {
        if (s.busy) return {};
        // A card on a finished ticket's screen is the next citizen.
        const fresh = s.screen === 'ticket' || s.screen === 'eticket';
        const from: KioskData = fresh ? initialData(s.lastTouch) : s;
        const screen: Screen = bookings > 0 ? 'checkin' : from.screen === 'confirm' ? 'confirm' : 'services';
        const large = elderly && !from.elderly ? { elderly: true, page: 0 } : {};
        return { ...(fresh ? from : {}), card, screen, refusal: undefined, guideId: undefined, ...large };
      }),
    declare: (declared) => set({ declared }),
    issuing: () => {
      if (get().busy) return false;
      set({ busy: true, refusal: undefined });
      return true;
    },
    printing: (ticket) => set({ screen: 'printing', ticket, guideId: undefined, keypad: false, busy: true }),
    printed: (ticket) => set({ screen: 'ticket', ticket, printError: undefined, busy: false }),
    eTicket: (ticket, printError) => set({ screen: 'eticket', ticket, printError, busy: false }),
    refuse: (refusal) => set((s) => ({ refusal, busy: false, screen: s.screen === 'printing' ? 'services' : s.screen })),
    dismissRefusal: () =>
      set((s) => ({
        refusal: undefined,
        // Nothing more to do on the confirm screen of a refused service: choose another.
        screen: s.screen === 'confirm' || s.screen === 'printing' ? 'services' : s.screen,
      })),
    reset: () => set((s) => initialData(s.lastTouch)),
  }));
}

export type KioskStore = ReturnType<typeof createKioskStore>;

/** The running kiosk's store. */
export const kioskStore = createKioskStore(Date.now());

export function useKiosk<T>(selector: (s: KioskState) => T): T {
  return useStore(kioskStore, selector);
}

/** Is the session over for lack of a touch? Never while printing; never when already at home. */
export function resetDue(s: KioskData, lang: Lang, now: number, idleSeconds: number): boolean {
  if (s.screen === 'printing' || s.busy) return false;
  const atHome = s.screen === 'attract' && !s.elderly && lang === 'zh' && !s.guideId && !s.refusal && !s.card && s.query === '';
  if (atHome) return false;
  const seconds = s.screen === 'ticket' ? Math.min(idleSeconds, TICKET_SCREEN_SECONDS) : idleSeconds;
  return now - s.lastTouch >= seconds * 1000;
}

/** The tiles of the current tab and page; a search looks across all tabs. */
export function visibleTiles(
  tiles: ServiceTile[],
  s: Pick<KioskData, 'category' | 'query' | 'page' | 'elderly'>,
  landscape = false,
): { items: ServiceTile[]; page: number; pages: number; total: number } {
  const q = s.query.trim();
  const matched = tiles.filter((t) => (q ? matchesService(t.service, q) : s.category === ALL_CATEGORIES || t.service.category === s.category));
  const size = s.elderly ? (landscape ? PAGE_SIZE.elderlyLandscape : PAGE_SIZE.elderly) : PAGE_SIZE.normal;
  const pages = Math.max(1, Math.ceil(matched.length / size));
  const page = Math.min(s.page, pages - 1);
  return { items: matched.slice(page * size, page * size + size), page, pages, total: matched.length };
}
