/**
 * One ECharts chart: created on mount (ECharts itself is loaded with the first chart, see
 * echartsLib.ts), given its option whenever it changes, resized with its box, disposed on
 * unmount.
 */
import { useEffect, useRef, useState } from 'react';
import type { ECharts } from 'echarts/core';
import { Bi } from '../../i18n/Bi';
import type { ChartOption } from './reportCharts';

export function Chart({ option, name, height = 260, label }: { option: ChartOption; name: string; height?: number; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const latest = useRef(option);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const el = box.current!;
    let gone = false;
    let observer: ResizeObserver | undefined;
    import('./echartsLib').then(
      ({ init }) => {
        if (gone) return;
        const c = init(el, null, { renderer: 'svg' });
        chart.current = c;
        c.setOption(latest.current, { notMerge: true });
        el.dataset.rendered = '1';
        observer = new ResizeObserver(() => c.resize());
        observer.observe(el);
      },
      () => {
        if (!gone) setFailed(true);
      },
    );
    return () => {
      gone = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    latest.current = option;
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  // The last category drawn (e.g. the last day of the daily chart), for tests and tools.
  const x = (option as { xAxis?: { data?: unknown[] } }).xAxis?.data;
  const xLast = Array.isArray(x) && x.length ? String(x[x.length - 1]) : undefined;
  return (
    <div ref={box} className="chart" style={{ height }} data-chart={name} data-x-last={xLast} role="img" aria-label={label}>
      {failed ? (
        <div className="rq-chart-empty muted">
          <Bi t={{ zh: '图表组件未能加载（需要连接服务器）', en: 'The chart could not be loaded (needs the server)' }} />
        </div>
      ) : null}
    </div>
  );
}
