/** What both rectification tabs hold: the hall's items of one kind, filtered, counted, and the one selected. */
import { useMemo, useState } from 'react';
import type { RectificationItem } from '../../../shared/fold/state';
import { useHall, useNow } from '../../app/context';
import { counts, listItems, type RectifyFilter } from './rectifyModel';

export function useRectifyList(kind: RectificationItem['kind']) {
  const { state, version } = useHall();
  const now = useNow(30_000);
  const tz = state.config.schedule.timeZone;
  const [filter, setFilter] = useState<RectifyFilter>('open');
  const [selected, setSelected] = useState<string | null>(null);
  const items = useMemo(() => [...state.rectifications.values()].filter((i) => i.kind === kind), [state, version, kind]);
  const list = useMemo(() => listItems(items, kind, filter, now, tz), [items, kind, filter, now, tz, version]);
  const c = useMemo(() => counts(items, kind, now, tz), [items, kind, now, tz, version]);
  const perFilter = useMemo(() => {
    const n = (f: RectifyFilter) => listItems(items, kind, f, now, tz).length;
    return { open: n('open'), overdue: n('overdue'), 'due-soon': n('due-soon'), closed: n('closed'), all: n('all') };
  }, [items, kind, now, tz, version]);
  return { state, now, tz, filter, setFilter, selected, setSelected, items, list, c, perFilter };
}
