/** Random text for the targets that take text (LED strips, scanner codes, tickets). */
import type { Rng } from '../rng';

const CJK = '请到号窗口办理业务暂停服务欢迎光临政务服务中心社保医保不动产登记户籍公积金婚姻税务综合受理';
const RARE = ['𠀀', '😀', '\u0000', '\u0007', '\n', '\r', '\u007f', '\uFEFF', 'é', 'ß', '€', '·', '—', '\uD800', '〇', '々', '垚', '犇'];

/** `printable`: no control characters and no lone surrogates (text a scanner could carry). */
export function randomText(rng: Rng, min: number, max: number, asciiOnly = false, printable = false): string {
  const n = rng.range(min, max);
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = rng.float();
    if (asciiOnly || r < 0.5) s += String.fromCharCode(rng.range(0x20, 0x7e));
    else if (r < 0.9) s += CJK[rng.int(CJK.length)]!;
    else if (r < 0.97) s += printable ? rng.pick(['𠀀', '😀', 'é', '€', '·', '垚']) : rng.pick(RARE);
    else s += String.fromCodePoint(rng.range(printable ? 0xa0 : 0x80, 0xd7ff));
  }
  return s;
}
