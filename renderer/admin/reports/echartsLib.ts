/**
 * ECharts with only what the reports draw: bar, line and pie charts, a plain grid, a plain
 * legend, tooltips, and the SVG renderer (no canvas, no eval: the strict CSP holds). Loaded on
 * first use by Chart.tsx, so the admin page's first load does not carry it.
 */
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridSimpleComponent, LegendPlainComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

use([BarChart, LineChart, PieChart, GridSimpleComponent, LegendPlainComponent, TooltipComponent, SVGRenderer]);

export { init };
