/**
 * Choosing a service: category tabs, a search (name or pinyin initials, with an on-screen letter
 * keypad: a kiosk has no keyboard), big tiles that say when a service cannot be taken now (R5),
 * each with its guide (R15), and pages (fewer, bigger tiles in 大字版).
 */
import { useEffect, useMemo, useState } from 'react';
import { useHall, useNow } from '../app/context';
import { Bi } from '../i18n/Bi';
import { useLang } from '../i18n/lang';
import { CardStrip } from './CardStrip';
import { useLandscape } from './elderly';
import './elderly.css';
import { useController } from './context';
import { ALL_CATEGORIES, categories, serviceTiles, tileBadge, type ServiceTile } from './services';
import { pinyinReady } from './search';
import { useKiosk, visibleTiles } from './store';

export function Services() {
  const { state, version } = useHall();
  const now = useNow(30_000);
  // Field by field: a touch (lastTouch) must not re-render the tiles.
  const card = useKiosk((s) => s.card);
  const category = useKiosk((s) => s.category);
  const query = useKiosk((s) => s.query);
  const page = useKiosk((s) => s.page);
  const elderly = useKiosk((s) => s.elderly);
  const setCategory = useKiosk((s) => s.setCategory);
  const setPage = useKiosk((s) => s.setPage);
  const tiles = useMemo(() => serviceTiles(state, now), [state, version, now]);
  const tabs = useMemo(() => categories(state.config.services.values()), [state, version]);
  const landscape = useLandscape();
  // A search typed before the pinyin dictionary arrived is looked up again when it has.
  const [, setPinyin] = useState(false);
  useEffect(() => {
    let live = true;
    void pinyinReady.then(() => live && setPinyin(true));
    return () => {
      live = false;
    };
  }, []);
  const view = visibleTiles(tiles, { category, query, page, elderly }, landscape);
  const tz = state.config.schedule.timeZone;
  return (
    <section className="services" data-testid="services">
      {card ? <CardStrip card={card} /> : null}
      <Search />
      {query.trim() === '' ? (
        <nav className="tabs" aria-label="categories">
          {[{ id: ALL_CATEGORIES, name: { zh: '全部业务', en: 'All services' } }, ...tabs].map((c) => (
            <button key={c.id} type="button" className={`tab${category === c.id ? ' on' : ''}`} data-testid={`tab-${c.id}`} aria-pressed={category === c.id} onClick={() => setCategory(c.id)}>
              <Bi t={c.name} />
            </button>
          ))}
        </nav>
      ) : (
        <div className="search-result">
          <Bi t={view.total === 0 ? { zh: '没有找到相关业务，请换个词，或咨询导办人员', en: 'No service found. Try other letters, or ask at the help desk' } : { zh: `找到 ${view.total} 项业务`, en: `${view.total} found` }} />
        </div>
      )}
      <div className="tiles">
        {view.items.map((t) => (
          <Tile key={t.service.id} tile={t} tz={tz} />
        ))}
      </div>
      {view.pages > 1 ? (
        <div className="pager">
          <button type="button" className="pager-btn" data-testid="page-prev" disabled={view.page === 0} onClick={() => setPage(view.page - 1)}>
            <Bi t={{ zh: '上一页', en: 'Previous' }} />
          </button>
          <span className="pager-at">
            {view.page + 1} / {view.pages}
          </span>
          <button type="button" className="pager-btn" data-testid="page-next" disabled={view.page >= view.pages - 1} onClick={() => setPage(view.page + 1)}>
            <Bi t={{ zh: '下一页', en: 'Next' }} />
          </button>
        </div>
      ) : null}
    </section>
  );
}

function Tile({ tile, tz }: { tile: ServiceTile; tz: string }) {
  const controller = useController();
  const openGuide = useKiosk((s) => s.openGuide);
  const { service } = tile;
  const badge = tileBadge(tile, tz);
  return (
    <div className={`tile tile-${tile.status}`}>
      <button type="button" className="tile-main" data-testid={`service-${service.id}`} data-status={tile.status} onClick={() => controller.choose(service.id)}>
        <span className="tile-name">
          <Bi t={service.name} />
        </span>
        <span className="tile-meta">
          {badge ? (
            <span className="badge">
              <Bi t={badge.back ? { zh: `${badge.label.zh} · ${badge.back.zh}`, en: `${badge.label.en} · ${badge.back.en}` } : badge.label} />
            </span>
          ) : (
            <span className="waiting">
              <Bi t={tile.waiting === 0 ? { zh: '无需等候', en: 'No queue' } : { zh: `等候 ${tile.waiting} 人`, en: `${tile.waiting} waiting` }} />
            </span>
          )}
          {service.realNameRequired ? (
            <span className="tag">
              <Bi t={{ zh: '需刷身份证', en: 'ID card' }} />
            </span>
          ) : null}
        </span>
      </button>
      <button type="button" className="tile-guide" data-testid={`guide-${service.id}`} onClick={() => openGuide(service.id)}>
        <Bi t={{ zh: '办事指南', en: 'Guide' }} />
      </button>
    </div>
  );
}

const KEYS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');

function Search() {
  const query = useKiosk((s) => s.query);
  const keypad = useKiosk((s) => s.keypad);
  const setQuery = useKiosk((s) => s.setQuery);
  const toggleKeypad = useKiosk((s) => s.toggleKeypad);
  const lang = useLang((s) => s.lang);
  const placeholder = lang === 'zh' ? '搜索业务：输入名称或拼音首字母（如 BDC）' : 'Search: service name or pinyin initials (e.g. BDC)';
  return (
    <div className="search">
      <div className="search-row">
        <input
          className="search-input"
          data-testid="search"
          type="search"
          inputMode="none"
          autoComplete="off"
          spellCheck={false}
          value={query}
          placeholder={placeholder}
          aria-label={placeholder}
          onChange={(e) => setQuery(e.target.value)}
          onFocus={() => {
            if (!keypad) toggleKeypad();
          }}
        />
        <button type="button" className={`search-btn${keypad ? ' on' : ''}`} data-testid="keypad-toggle" aria-pressed={keypad} onClick={toggleKeypad}>
          <Bi t={keypad ? { zh: '收起键盘', en: 'Hide keys' } : { zh: '字母键盘', en: 'Keyboard' }} />
        </button>
        {query ? (
          <button type="button" className="search-btn" data-testid="search-clear" onClick={() => setQuery('')}>
            <Bi t={{ zh: '清除', en: 'Clear' }} />
          </button>
        ) : null}
      </div>
      {keypad ? (
        <div className="keypad" role="group" aria-label="letters">
          {KEYS.map((k) => (
            <button key={k} type="button" className="key" data-testid={`key-${k}`} onClick={() => setQuery(query + k)}>
              {k}
            </button>
          ))}
          <button type="button" className="key key-wide" data-testid="key-back" onClick={() => setQuery(query.slice(0, -1))}>
            <Bi t={{ zh: '退格', en: 'Delete' }} />
          </button>
        </div>
      ) : null}
    </div>
  );
}
