/** Top of every kiosk screen: the hall, the date and time, the language and 大字版 switches. */
import { useHall, useNow } from '../app/context';
import { Bi } from '../i18n/Bi';
import { dateLine, hhmm } from '../i18n/format';
import { useLang } from '../i18n/lang';
import { useKiosk } from './store';

export function Header() {
  const { state } = useHall();
  const now = useNow(10_000);
  const tz = state.config.schedule.timeZone;
  const lang = useLang((s) => s.lang);
  const toggleLang = useLang((s) => s.toggle);
  const elderly = useKiosk((s) => s.elderly);
  const toggleElderly = useKiosk((s) => s.toggleElderly);
  const day = dateLine(now, tz);
  return (
    <header className="k-header">
      <div className="k-hall">
        <Bi t={state.config.policy.hallName} />
      </div>
      <div className="k-clock">
        <span className="k-time">{hhmm(now, tz)}</span>
        <span className="k-date">{lang === 'zh' ? day.zh : day.en}</span>
      </div>
      <div className="k-switches">
        <button type="button" className="k-switch" data-testid="lang-toggle" onClick={toggleLang} aria-label={lang === 'zh' ? 'Switch to English' : '切换到中文'}>
          {lang === 'zh' ? <span lang="en">English</span> : <span lang="zh-CN">中文</span>}
        </button>
        <button type="button" className={`k-switch${elderly ? ' on' : ''}`} data-testid="elderly-toggle" aria-pressed={elderly} onClick={toggleElderly}>
          <Bi t={elderly ? { zh: '标准版', en: 'Standard' } : { zh: '大字版', en: 'Large text' }} />
        </button>
      </div>
    </header>
  );
}
