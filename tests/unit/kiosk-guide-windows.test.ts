/**
 * Stale leftovers (issue 17): the 户籍 guide listed windows 1 and 6 while the confirm screen
 * said 1, 3 and 6. The kiosk's guide, confirm screen and ticket name the windows through one
 * function, from the windows that serve the service now.
 */
import { describe, expect, it } from 'vitest';
import { guidePlace } from '../../shared/config/guide';
import { windowLabels, windowsText } from '../../renderer/kiosk/services';
import { makeHall } from '../support/hall';
import { sh } from '../support/flow';

describe('the kiosk guide and confirm screen name the same windows', () => {
  it('the guide says where the confirm screen sends the citizen, also after a window changes', () => {
    const h = makeHall(sh('2026-11-23', '10:00'));
    const state = () => h.fold.state;
    const hukou = () => state().config.services.get('hukou')!;
    const confirm = () => windowsText(windowLabels(state(), 'hukou'));
    expect(windowLabels(state(), 'hukou')).toEqual(['1', '4', '5']);
    expect(guidePlace(hukou(), state().config.windows.values())).toEqual(confirm());

    // Window 2 starts serving 户籍 too: both say so at once.
    const w2 = state().config.windows.get('w2')!;
    h.emit(h.admin, 'config.changed', { kind: 'window', id: 'w2', value: { ...w2, services: [...w2.services, { serviceId: 'hukou', weight: 1 }] } });
    expect(windowLabels(state(), 'hukou')).toEqual(['1', '2', '4', '5']);
    expect(guidePlace(hukou(), state().config.windows.values())).toEqual(confirm());
  });
});
