/**
 * Hall admin (大厅管理) for the leader on duty: the live view (queues, windows, totals, alerts,
 * terminal and device health, R17) and the configuration editors. Every change is authored
 * here as an event, so it works offline like every other terminal and syncs later.
 */
import { useEffect, useLayoutEffect, useRef, useState, type ComponentType, type CSSProperties, type RefObject } from 'react';
import type { Bilingual } from '../../shared/config/text';
import { useHall } from '../app/context';
import { StatusBanner } from '../app/StatusBanner';
import { Bi } from '../i18n/Bi';
import { useLang } from '../i18n/lang';
import { NoticesEditor } from './editors/NoticesEditor';
import { PolicyEditor } from './editors/PolicyEditor';
import { ScheduleEditor } from './editors/ScheduleEditor';
import { ServicesEditor } from './editors/ServicesEditor';
import { StaffEditor } from './editors/StaffEditor';
import { WindowsEditor } from './editors/WindowsEditor';
import { LiveView } from './live/LiveView';
import { MaterialsView } from './materials/MaterialsView';
import { LedgerView } from './rectify/LedgerView';
import { RectifyView } from './rectify/RectifyView';
import { ReportsView } from './reports/ReportsView';

const TABS: Array<{ id: string; label: Bilingual; View: ComponentType }> = [
  { id: 'live', label: { zh: '实时监控', en: 'Live' }, View: LiveView },
  { id: 'reports', label: { zh: '统计报表', en: 'Reports' }, View: ReportsView },
  { id: 'rectify', label: { zh: '差评整改', en: 'Bad ratings' }, View: RectifyView },
  { id: 'ledger', label: { zh: '办不成事台账', en: 'Not-done ledger' }, View: LedgerView },
  { id: 'materials', label: { zh: '收件材料', en: 'Materials' }, View: MaterialsView },
  { id: 'services', label: { zh: '业务', en: 'Services' }, View: ServicesEditor },
  { id: 'windows', label: { zh: '窗口', en: 'Windows' }, View: WindowsEditor },
  { id: 'staff', label: { zh: '工作人员', en: 'Staff' }, View: StaffEditor },
  { id: 'schedule', label: { zh: '作息时间', en: 'Hours' }, View: ScheduleEditor },
  { id: 'notices', label: { zh: '公告', en: 'Notices' }, View: NoticesEditor },
  { id: 'policy', label: { zh: '大厅规则', en: 'Rules' }, View: PolicyEditor },
];

const tabFromHash = () => {
  const id = location.hash.replace('#', '');
  return TABS.some((t) => t.id === id) ? id : 'live';
};

export function AdminApp() {
  const { state } = useHall();
  const [tab, setTab] = useState(tabFromHash);
  const lang = useLang((s) => s.lang);
  const toggle = useLang((s) => s.toggle);
  useEffect(() => {
    const f = () => setTab(tabFromHash());
    window.addEventListener('hashchange', f);
    return () => window.removeEventListener('hashchange', f);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  const View = TABS.find((t) => t.id === tab)!.View;
  const head = useRef<HTMLElement>(null);
  const headHeight = useHeight(head);
  return (
    // Sticky panels below stop under the header, whose height changes with the language and width.
    <div className="admin" style={{ '--admin-head-h': `${headHeight}px` } as CSSProperties}>
      <StatusBanner offlineNote={{ zh: '修改照常保存，恢复联网后同步', en: 'changes are kept and sync when back online' }} />
      <header className="admin-head" ref={head}>
        <div className="admin-title">
          <span className="admin-hall">
            <Bi t={state.config.policy.hallName} />
          </span>
          <span className="admin-role">
            <Bi t={{ zh: '大厅管理', en: 'Hall admin' }} />
          </span>
        </div>
        <nav className="tabs" role="tablist">
          {TABS.map((t) => (
            <a key={t.id} href={`#${t.id}`} role="tab" aria-selected={t.id === tab} className={`tab${t.id === tab ? ' tab-on' : ''}`} data-tab={t.id}>
              <Bi t={t.label} />
            </a>
          ))}
        </nav>
        <button type="button" className="btn btn-plain lang" data-action="lang" onClick={toggle}>
          {lang === 'zh' ? 'English' : '中文'}
        </button>
      </header>
      <main className="admin-main">
        <View key={tab} />
      </main>
    </div>
  );
}

function useHeight(ref: RefObject<HTMLElement | null>): number {
  const [h, setH] = useState(72);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => setH(Math.round(el.getBoundingClientRect().height));
    update();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return h;
}
