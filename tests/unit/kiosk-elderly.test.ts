/**
 * 大字版 for elderly citizens (issue 17): an elderly card holder gets large text by itself (a
 * hall setting, the elderly age from the policy), the next citizen does not; landscape pages six
 * large tiles so the screen is full.
 */
import { describe, expect, it } from 'vitest';
import { largeTextFor } from '../../renderer/kiosk/elderly';
import { createKioskStore, PAGE_SIZE, visibleTiles } from '../../renderer/kiosk/store';
import { serviceTiles } from '../../renderer/kiosk/services';
import { PolicySchema } from '../../shared/config/schemas';
import type { CardRead } from '../../shared/identity/card';
import { makeHall, MONDAY_10AM } from '../support/hall';
import { card } from '../support/flow';

const DAY = '2026-11-23';
const policy = PolicySchema.parse({});
const holder = (birthDate: string): CardRead => ({ ...card(birthDate), cardType: 'resident' });

describe('elderly mode by ID card', () => {
  it('a 76-year-old holder turns large text on; a 40-year-old does not', () => {
    expect(largeTextFor(holder('1950-04-12'), policy, DAY)).toBe(true);
    expect(largeTextFor(holder('1986-04-12'), policy, DAY)).toBe(false);
  });

  it('the age is the policy elderly age, from the 60th birthday by default', () => {
    expect(largeTextFor(holder('1966-11-23'), policy, DAY)).toBe(true);
    expect(largeTextFor(holder('1966-11-24'), policy, DAY)).toBe(false);
    expect(largeTextFor(holder('1956-11-24'), { ...policy, elderlyAge: 70 }, DAY)).toBe(false);
  });

  it('a hall that turned the setting off keeps the citizen’s own choice', () => {
    expect(policy.elderlyModeByCard).toBe(true);
    expect(largeTextFor(holder('1950-04-12'), { ...policy, elderlyModeByCard: false }, DAY)).toBe(false);
  });

  it('the kiosk turns large text on at the card and off for the next citizen', () => {
    const store = createKioskStore(MONDAY_10AM);
    store.getState().start();
    store.getState().setPage(1);
    store.getState().cardRead(holder('1950-04-12'), 0, true);
    expect(store.getState().elderly).toBe(true);
    expect(store.getState().page).toBe(0);
    store.getState().reset();
    expect(store.getState().elderly).toBe(false);
    // A younger holder leaves the mode as the citizen set it.
    store.getState().toggleElderly();
    store.getState().cardRead(holder('1990-01-01'), 0, false);
    expect(store.getState().elderly).toBe(true);
  });
});

describe('elderly mode pages', () => {
  it('landscape shows six large tiles a page, portrait four', () => {
    const h = makeHall(MONDAY_10AM);
    const tiles = serviceTiles(h.fold.state, h.now());
    const s = { category: 'all', query: '', page: 0, elderly: true };
    expect(PAGE_SIZE.elderlyLandscape).toBe(6);
    expect(visibleTiles(tiles, s, true).items.length).toBe(Math.min(6, tiles.length));
    expect(visibleTiles(tiles, s, false).items.length).toBe(Math.min(4, tiles.length));
  });
});
