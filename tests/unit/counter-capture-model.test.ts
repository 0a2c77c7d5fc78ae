/**
 * The counter's capture draft: materials named from the service guide, pages in order, and the
 * corner check that keeps a bad hand adjustment from producing a garbled page.
 */
import { describe, expect, it } from 'vitest';
import {
  addMaterial,
  addPage,
  checkQuad,
  findPage,
  movePage,
  newDraft,
  pageCount,
  removePage,
  select,
  toAttach,
  turnPage,
  wholeFrame,
  type CapturedPage,
  type CaptureDraft,
} from '../../renderer/counter/capture/captureModel';
import { loadChoice, saveChoice } from '../../renderer/counter/capture/camera';

const FRAME = { width: 3264, height: 2448 };
const page = (id: string): CapturedPage => ({ id, frame: FRAME, corners: wholeFrame(FRAME), cornersBy: 'auto', confidence: 0.9, turns: 0, kind: 'page', width: 2480, height: 3508 });
const GUIDE = [
  { zh: '居民身份证', en: 'Resident ID card' },
  { zh: '户口簿', en: 'Household register' },
];

const names = (d: CaptureDraft) => d.materials.map((m) => `${m.name.zh}:${m.pages.map((p) => p.id).join(',')}`);

describe('capture draft', () => {
  it('lists the service guide\'s materials, the first one selected for the first capture', () => {
    const d = addPage(newDraft('t1', GUIDE), page('p1'));
    expect(names(d)).toEqual(['居民身份证:p1', '户口簿:']);
  });

  it('puts each capture into the material the clerk selected, in capture order', () => {
    let d = newDraft('t1', GUIDE);
    d = addPage(select(d, 'm2'), page('p1'));
    d = addPage(d, page('p2'));
    expect(names(d)).toEqual(['居民身份证:', '户口簿:p1,p2']);
    expect(pageCount(d)).toBe(2);
    expect(toAttach(d).map((m) => m.id)).toEqual(['m2']);
  });

  it('a service without a guide list still takes pages, as "other material"', () => {
    const d = addPage(newDraft('t1', []), page('p1'));
    expect(names(d)).toEqual(['其他材料:p1']);
  });

  it('a typed material is added and selected; an empty or repeated name is refused with a reason in both languages', () => {
    const d = newDraft('t1', GUIDE);
    const added = addMaterial(d, '  授权委托书 ');
    if ('error' in added) throw new Error('refused');
    expect(added.selected).toBe(added.materials.at(-1)!.id);
    expect(added.materials.at(-1)!.name.zh).toBe('授权委托书');
    expect(addMaterial(d, '   ')).toEqual({ error: expect.objectContaining({ zh: expect.any(String), en: expect.any(String) }) });
    expect(addMaterial(d, '户口簿')).toHaveProperty('error');
  });

  it('reorders pages within a material and stops at either end', () => {
    let d = newDraft('t1', GUIDE);
    for (const id of ['a', 'b', 'c']) d = addPage(d, page(id));
    d = movePage(d, 'c', -1);
    expect(names(d)[0]).toBe('居民身份证:a,c,b');
    expect(movePage(d, 'a', -1)).toBe(d);
    expect(movePage(d, 'b', 1)).toBe(d);
  });

  it('deletes a page without touching the others', () => {
    let d = newDraft('t1', GUIDE);
    for (const id of ['a', 'b']) d = addPage(d, page(id));
    d = removePage(d, 'a');
    expect(names(d)[0]).toBe('居民身份证:b');
    expect(findPage(d, 'a')).toBeUndefined();
  });

  it('a quarter turn swaps the page\'s width and height; four turns come back', () => {
    let p = page('p');
    p = turnPage(p);
    expect([p.turns, p.width, p.height]).toEqual([1, 3508, 2480]);
    p = turnPage(turnPage(turnPage(p)));
    expect([p.turns, p.width, p.height]).toEqual([0, 2480, 3508]);
  });
});

describe('hand-set corners', () => {
  it('accepts a convex quadrilateral inside the frame', () => {
    expect(checkQuad([{ x: 100, y: 120 }, { x: 3000, y: 90 }, { x: 3100, y: 2300 }, { x: 80, y: 2350 }], FRAME)).toBeNull();
  });
  it('a page kept whole (no edges found) can be adjusted by hand: the picture\'s own corners pass, a pixel beyond does not', () => {
    expect(checkQuad(wholeFrame(FRAME), FRAME)).toBeNull();
    const [tl, tr, br, bl] = wholeFrame(FRAME);
    expect(checkQuad([{ x: tl.x - 1, y: tl.y }, tr, br, bl], FRAME)?.en).toMatch(/inside/);
    expect(checkQuad([tl, tr, { x: br.x, y: br.y + 1 }, bl], FRAME)?.en).toMatch(/inside/);
  });

  it('refuses a corner outside the picture, crossed corners and a sliver, saying why', () => {
    expect(checkQuad([{ x: -5, y: 0 }, { x: 3000, y: 0 }, { x: 3000, y: 2000 }, { x: 0, y: 2000 }], FRAME)?.en).toMatch(/inside/);
    expect(checkQuad([{ x: 0, y: 0 }, { x: 3000, y: 2000 }, { x: 3000, y: 0 }, { x: 0, y: 2000 }], FRAME)?.en).toMatch(/convex/);
    expect(checkQuad([{ x: 0, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 100 }, { x: 0, y: 100 }], FRAME)?.en).toMatch(/small/);
  });
});

describe('the camera choice', () => {
  it('is remembered per terminal, and a damaged entry is ignored', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    saveChoice('counter-1', { deviceId: 'cam-2', width: 3264, height: 2448 }, storage);
    expect(loadChoice('counter-1', storage)).toEqual({ deviceId: 'cam-2', width: 3264, height: 2448 });
    expect(loadChoice('counter-2', storage)).toBeUndefined();
    store.set('hallq.camera.counter-1', '{"width":"big"}');
    expect(loadChoice('counter-1', storage)).toBeUndefined();
    store.set('hallq.camera.counter-1', 'not json');
    expect(loadChoice('counter-1', storage)).toBeUndefined();
  });
});
