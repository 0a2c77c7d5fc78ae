/** Bilingual text: the current language leads, the other follows smaller (R14). */
import type { Bilingual } from '../../shared/config/text';
import { useLang } from './lang';

export function Bi({ t, only, className }: { t: Bilingual; /** Show the leading language alone. */ only?: boolean; className?: string }) {
  const lang = useLang((s) => s.lang);
  const main = lang === 'zh' ? t.zh : t.en;
  const alt = lang === 'zh' ? t.en : t.zh;
  return (
    <span className={`bi${className ? ` ${className}` : ''}`}>
      <span className="bi-main" lang={lang === 'zh' ? 'zh-CN' : 'en'}>
        {main}
      </span>
      {only || main === alt ? null : (
        <span className="bi-alt" lang={lang === 'zh' ? 'en' : 'zh-CN'}>
          {alt}
        </span>
      )}
    </span>
  );
}
