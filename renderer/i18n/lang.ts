/**
 * The screen's language (R14): Chinese first, English alongside. `lang` picks which one leads;
 * the other is still shown, smaller, where a person reads (the board always shows both).
 */
import { create } from 'zustand';
import type { Bilingual } from '../../shared/config/text';

export type Lang = 'zh' | 'en';

interface LangState {
  lang: Lang;
  setLang(lang: Lang): void;
  toggle(): void;
}

export const useLang = create<LangState>((set) => ({
  lang: 'zh',
  setLang: (lang) => set({ lang }),
  toggle: () => set((s) => ({ lang: s.lang === 'zh' ? 'en' : 'zh' })),
}));

/** The leading text in the current language. */
export function pick(t: Bilingual, lang: Lang): string {
  return lang === 'zh' ? t.zh : t.en;
}

/** The other language's text. */
export function other(t: Bilingual, lang: Lang): string {
  return lang === 'zh' ? t.en : t.zh;
}
